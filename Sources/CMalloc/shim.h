// glibc's allocator controls (mallopt), which Swift's Glibc module does not import.
#include <malloc.h>
