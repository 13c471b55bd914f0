#include "server/pages/multipart_form.h"

#include <gtest/gtest.h>

namespace parvis::pages {
namespace {

constexpr char kType[] = "multipart/form-data; boundary=----b0und";

std::string Part(const std::string& headers, const std::string& content) {
  return "------b0und\r\n" + headers + "\r\n\r\n" + content + "\r\n";
}

TEST(MultipartFormTest, ReadsFieldsAndFilesAsBrowsersSendThem) {
  std::string body = Part("Content-Disposition: form-data; name=\"csrf\"", "abc") +
                     Part("Content-Disposition: form-data; name=\"avatar\"; filename=\"me \\\"1\\\".png\"\r\n"
                          "Content-Type: image/png",
                          std::string("\x89PNG\r\n\x1a\n\0\r\n--x", 14)) +
                     "------b0und--\r\n";
  Result<MultipartForm> form = ParseMultipartForm(kType, body);
  ASSERT_TRUE(form.has_value()) << form.error().message;
  EXPECT_EQ(form->fields["csrf"], "abc");
  ASSERT_TRUE(form->files.contains("avatar"));
  EXPECT_EQ(form->files["avatar"].filename, "me \"1\".png");
  EXPECT_EQ(form->files["avatar"].content_type, "image/png");
  EXPECT_EQ(form->files["avatar"].bytes, std::string("\x89PNG\r\n\x1a\n\0\r\n--x", 14));
  // A quoted boundary, other casings.
  Result<MultipartForm> quoted = ParseMultipartForm(
      "Multipart/Form-Data; BOUNDARY=\"----b0und\"",
      Part("content-disposition: FORM-DATA; NAME=x", "1") + "------b0und--");
  ASSERT_TRUE(quoted.has_value()) << quoted.error().message;
  EXPECT_EQ(quoted->fields["x"], "1");
}

TEST(MultipartFormTest, MalformedBodiesAreRefused) {
  std::string good = Part("Content-Disposition: form-data; name=\"a\"", "1");
  std::string many;
  for (int i = 0; i < 17; ++i) {
    many += Part("Content-Disposition: form-data; name=\"f" + std::to_string(i) + "\"", "x");
  }
  struct Case {
    const char* name;
    std::string type, body;
  };
  std::vector<Case> cases = {
      {"not multipart", "application/x-www-form-urlencoded", "a=1"},
      {"no boundary", "multipart/form-data", good + "------b0und--"},
      {"empty boundary", "multipart/form-data; boundary=", good},
      {"long boundary", "multipart/form-data; boundary=" + std::string(71, 'b'), good},
      {"unterminated quote", "multipart/form-data; boundary=\"----b0und", good + "------b0und--"},
      {"wrong start", kType, "junk" + good + "------b0und--"},
      {"no closing delimiter", kType, good},
      {"truncated", kType, good.substr(0, good.size() - 10)},
      {"part without name", kType, Part("Content-Disposition: form-data", "1") + "------b0und--"},
      {"part not form-data", kType, Part("Content-Disposition: attachment; name=a", "1") + "------b0und--"},
      {"no disposition", kType, Part("Content-Type: text/plain", "1") + "------b0und--"},
      {"headers too long", kType,
       Part("Content-Disposition: form-data; name=a\r\nX: " + std::string(2000, 'x'), "1") + "------b0und--"},
      {"no blank line", kType, "------b0und\r\nContent-Disposition: form-data; name=a"},
      {"too many parts", kType, many + "------b0und--"},
      {"name twice", kType, good + good + "------b0und--"},
      {"bad delimiter line", kType, "------b0undXX" + good},
      {"empty body", kType, ""},
  };
  for (const Case& c : cases) {
    Result<MultipartForm> form = ParseMultipartForm(c.type, c.body);
    EXPECT_FALSE(form.has_value()) << c.name;
    if (!form) {
      EXPECT_EQ(form.error().code, ErrorCode::kInvalidArgument) << c.name;
    }
  }
}

}  // namespace
}  // namespace parvis::pages
