// Builds the content of tests/vectors/e2ee_v1.json from fixed inputs.
#ifndef PARVIS_TESTS_PROTOCOL_E2EE_VECTOR_BUILDER_H_
#define PARVIS_TESTS_PROTOCOL_E2EE_VECTOR_BUILDER_H_

#include <string>

namespace parvis::protocol::e2ee::testing {

// The vectors file's text (pretty-printed JSON, final newline). Every value
// in it comes from the C++ implementation run on inputs the file names.
std::string BuildE2eeVectors();

// tests/vectors/e2ee_v1.json in the source tree.
std::string E2eeVectorsPath();

}  // namespace parvis::protocol::e2ee::testing

#endif  // PARVIS_TESTS_PROTOCOL_E2EE_VECTOR_BUILDER_H_
