#pragma once
#include <string>
// Shim for compiling common/imatrix-loader.cpp alone: the one helper it uses from common.h.
inline bool string_remove_suffix(std::string & str, const std::string & suffix) {
    if (str.size() < suffix.size() || str.compare(str.size() - suffix.size(), suffix.size(), suffix) != 0) return false;
    str.resize(str.size() - suffix.size());
    return true;
}
