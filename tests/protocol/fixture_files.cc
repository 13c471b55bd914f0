#include "protocol/fixture_files.h"

#include <gtest/gtest.h>
#include <rapidjson/error/en.h>

#include <cctype>
#include <fstream>
#include <sstream>

namespace parvis::protocol::testing {

std::string ReadFixture(std::string_view relative) {
  const std::string path = std::string(PARVIS_FIXTURES_DIR) + "/" + std::string(relative);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read fixture " << path;
    return {};
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

rapidjson::Document LoadFixtureJson(std::string_view relative) {
  const std::string text = ReadFixture(relative);
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(text.data(), text.size());
  if (doc.HasParseError()) {
    ADD_FAILURE() << "fixture " << relative
                  << " is not JSON: " << rapidjson::GetParseError_En(doc.GetParseError());
    doc.SetNull();
  }
  return doc;
}

const rapidjson::Document& SignatureVectors() {
  static const rapidjson::Document* vectors =
      new rapidjson::Document(LoadFixtureJson("http-signatures/vectors.json"));
  return *vectors;
}

std::string Str(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject() || !object.HasMember(name) || !object[name].IsString()) {
    ADD_FAILURE() << "vector has no string member " << name;
    return {};
  }
  return std::string(object[name].GetString(), object[name].GetStringLength());
}

HttpMessage MessageFromVector(const rapidjson::Value& message) {
  HttpMessage out;
  if (message.HasMember("status")) out.status = message["status"].GetInt();
  if (message.HasMember("method")) out.method = Str(message, "method");
  if (message.HasMember("target")) out.target = Str(message, "target");
  if (message.HasMember("targetUri")) {
    const std::string uri = Str(message, "targetUri");
    const size_t scheme_end = uri.find("://");
    out.scheme = uri.substr(0, scheme_end);
    const size_t path_start = uri.find('/', scheme_end + 3);
    out.authority = uri.substr(scheme_end + 3, path_start - scheme_end - 3);
    out.target = uri.substr(path_start);
  }
  for (const auto& pair : message["headers"].GetArray()) {
    std::string name(pair[0].GetString(), pair[0].GetStringLength());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers.emplace_back(name, std::string(pair[1].GetString(), pair[1].GetStringLength()));
  }
  if (auto host = out.FieldValue("host")) out.authority = *host;
  return out;
}

}  // namespace parvis::protocol::testing
