/* Fuzz target: API model files (the .yaml files of models/), parsed by
 * rl_apimodel_load_buffer, the strict loader (version: 1, known keys only).
 * Seeds: corpus/apimodel/. See docs/robustness.md, "Fuzzing". */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_load_model(rl_apimodel_load_buffer, data, size);
    return 0;
}
