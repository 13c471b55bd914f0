// UndefinedBehaviorSanitizer defaults for the fuzz targets, however they are
// started. g++'s UBSan runtime is not ASan's: on an error it exits without
// calling the death callback through which libFuzzer saves the input, unless
// it aborts, which libFuzzer catches. UBSAN_OPTIONS still overrides these.
extern "C" const char* __ubsan_default_options() {
  return "abort_on_error=1:print_stacktrace=1";
}
