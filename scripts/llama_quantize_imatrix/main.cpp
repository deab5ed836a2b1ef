// Build (llama.cpp's own imatrix loader from the sdist, unmodified; libllama from llama-cpp-python):
//   SRC=/work/dl/sdist/llama_cpp_python-0.3.36/vendor/llama.cpp
//   LIB=$(python3 -c 'import llama_cpp, pathlib; print(pathlib.Path(llama_cpp.__file__).parent / "lib")')
//   cp $SRC/common/imatrix-loader.cpp /tmp/ && g++ -std=c++17 -O1 -Ishim -I$SRC/common -I$SRC/include \
//     -I$SRC/ggml/include main.cpp /tmp/imatrix-loader.cpp -L$LIB -lllama -lggml-base -Wl,-rpath,$LIB -o qcheck
//   (copying imatrix-loader.cpp out of common/ makes its "log.h" and "common.h" resolve to shim/)
// Run: ./qcheck pare.imatrix.gguf MODEL.gguf OUT.gguf 15   (15 = LLAMA_FTYPE_MOSTLY_Q4_K_M)
// Loads an imatrix GGUF with llama.cpp's own common_imatrix_load (common/imatrix-loader.cpp,
// unmodified), normalizes it as tools/quantize/quantize.cpp's load_imatrix does, and quantizes a
// model with llama_model_quantize using it, as `llama-quantize --imatrix F IN OUT TYPE` would.
#include "imatrix-loader.h"
#include "llama.h"
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unordered_map>
#include <vector>

int main(int argc, char ** argv) {
    if (argc < 5) { fprintf(stderr, "usage: %s IMATRIX IN.gguf OUT.gguf FTYPE\n", argv[0]); return 2; }
    common_imatrix loaded;
    if (!common_imatrix_load(argv[1], loaded)) { fprintf(stderr, "failed to load imatrix\n"); return 1; }
    if (!loaded.is_legacy && !loaded.has_metadata) { fprintf(stderr, "missing imatrix metadata\n"); return 1; }
    std::unordered_map<std::string, std::vector<float>> data;
    for (const auto & [name, entry] : loaded.entries) {
        auto & e = data[name];
        e.resize(entry.sums.size());
        const int64_t ncounts = entry.counts.size(), ne0 = entry.sums.size() / ncounts;
        for (int64_t j = 0; j < ncounts; ++j) {
            const float count = (float) entry.counts[j];
            for (int64_t i = 0; i < ne0; ++i) e[j*ne0 + i] = count > 0 ? entry.sums[j*ne0 + i] / count : 1;
        }
    }
    printf("loaded %zu entries, chunk_count %d, chunk_size %d, dataset '%s'\n", data.size(), loaded.chunk_count,
           loaded.chunk_size, loaded.datasets.empty() ? "" : loaded.datasets[0].c_str());
    std::vector<llama_model_imatrix_data> i_data;
    for (const auto & kv : data) i_data.push_back({kv.first.c_str(), kv.second.data(), kv.second.size()});
    i_data.push_back({nullptr, nullptr, 0});
    llama_backend_init();
    auto params = llama_model_quantize_default_params();
    params.ftype = (llama_ftype) atoi(argv[4]);
    params.allow_requantize = true;
    params.imatrix = i_data.data();
    params.nthread = 2;
    const uint32_t rc = llama_model_quantize(argv[2], argv[3], &params);
    printf("llama_model_quantize: %u\n", rc);
    return rc == 0 ? 0 : 1;
}
