#pragma once
#include <cstdio>
#define LOG_ERR(...) fprintf(stderr, __VA_ARGS__)
