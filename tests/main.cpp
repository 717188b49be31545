// The Catch2 test runner (Catch2 v2, Debian package catch2).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
