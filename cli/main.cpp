#include <cstdio>
int main() { std::puts("wijksim " WIJKSIM_VERSION); }
