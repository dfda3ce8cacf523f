/* Fuzz target: the project config (.racelint.yaml), parsed by
 * rl_apimodel_load_config, which reads only `functions:` and leaves the
 * other keys to the caller. Seeds: corpus/config/. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_load_model(rl_apimodel_load_config, data, size);
    return 0;
}
