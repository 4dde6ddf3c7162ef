// The doctest runner shared by the native and the wasm (Node) builds of the unit suite.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
