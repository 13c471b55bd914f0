// The encrypted scratch file: writes at any offset and rewrites read back as
// written, the bytes on disk are not the plaintext, the file has no name
// and goes with its descriptor; a tar written into it reads back as the same
// archive a file gets.
#include "server/accounts/scratch_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/open_files.h"
#include "support/temp_dir.h"

namespace parvis::accounts {
namespace {

using ::parvis::testing::TempDir;

// The /proc paths of this process's open files in `directory`.
std::vector<std::string> OpenFilesIn(const std::string& directory) {
  std::vector<std::string> paths;
  for (const testing::OpenFile& file : testing::OpenFilesIn(directory)) paths.push_back(file.proc_path);
  return paths;
}

// What the disk holds: the file read through /proc, without the key.
std::string RawBytes(const std::string& proc_path) {
  std::ifstream in(proc_path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::string ReadAll(const ScratchFile& file, size_t piece) {
  std::string out;
  std::vector<char> buffer(piece);
  for (;;) {
    Result<size_t> got = file.ReadAt(out.size(), buffer);
    if (!got || *got == 0) return out;
    out.append(buffer.data(), *got);
  }
}

TEST(ScratchFileTest, WritesAnywhereReadBackAsWrittenAndNeverInTheClear) {
  TempDir dir;
  Result<std::unique_ptr<ScratchFile>> file = ScratchFile::Create(dir.path());
  ASSERT_TRUE(file.has_value()) << file.error().message;
  const std::string marker = "SCRATCH-MARKER-plaintext";
  std::mt19937 random(42);
  // The model of what the file should hold, written in pieces of odd sizes
  // (across cipher blocks and write chunks), then patched at random offsets.
  std::string model;
  while (model.size() < 300000) {
    size_t size = std::uniform_int_distribution<size_t>(1, 90000)(random);
    std::string piece = marker + std::string(size, static_cast<char>('a' + model.size() % 26));
    ASSERT_TRUE((*file)->WriteAt(model.size(), piece).has_value());
    model += piece;
  }
  for (int patch = 0; patch < 200; ++patch) {
    size_t at = std::uniform_int_distribution<size_t>(0, model.size() - 1)(random);
    size_t size = std::uniform_int_distribution<size_t>(1, 700)(random);
    std::string bytes(size, '\0');
    for (char& c : bytes) c = static_cast<char>(random());
    ASSERT_TRUE((*file)->WriteAt(at, bytes).has_value());
    if (at + size > model.size()) model.resize(at + size);
    model.replace(at, size, bytes);
  }
  EXPECT_EQ((*file)->size(), model.size());
  for (size_t piece : {size_t{1}, size_t{63}, size_t{64}, size_t{4097}, size_t{1 << 20}}) {
    EXPECT_TRUE(ReadAll(**file, piece) == model) << "read in pieces of " << piece;
  }
  for (int slice = 0; slice < 100; ++slice) {
    size_t at = std::uniform_int_distribution<size_t>(0, model.size())(random);
    std::vector<char> buffer(std::uniform_int_distribution<size_t>(0, 5000)(random));
    Result<size_t> got = (*file)->ReadAt(at, buffer);
    ASSERT_TRUE(got.has_value());
    ASSERT_EQ(*got, std::min(buffer.size(), model.size() - at));
    EXPECT_TRUE(std::string(buffer.data(), *got) == model.substr(at, *got)) << "at " << at;
  }

  // On disk: no name in the folder, the same length, none of the plaintext.
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
  std::vector<std::string> open = OpenFilesIn(dir.path());
  ASSERT_EQ(open.size(), 1u);
  const std::string raw = RawBytes(open[0]);
  EXPECT_EQ(raw.size(), model.size());
  EXPECT_EQ(raw.find(marker), std::string::npos);
  EXPECT_EQ(raw.find(std::string(64, 'a')), std::string::npos);
  size_t same = 0;
  for (size_t i = 0; i < raw.size(); ++i) same += raw[i] == model[i];
  EXPECT_LT(same, raw.size() / 100) << "bytes on disk equal to the plaintext";
  struct stat info{};
  ASSERT_EQ(::stat(open[0].c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  // Gone with its descriptor.
  file->reset();
  EXPECT_TRUE(OpenFilesIn(dir.path()).empty());
}

TEST(ScratchFileTest, TwoFilesHaveTwoKeys) {
  TempDir dir;
  auto one = ScratchFile::Create(dir.path());
  auto two = ScratchFile::Create(dir.path());
  ASSERT_TRUE(one && two);
  const std::string text(4096, 'x');
  ASSERT_TRUE((*one)->WriteAt(0, text) && (*two)->WriteAt(0, text));
  std::vector<std::string> open = OpenFilesIn(dir.path());
  ASSERT_EQ(open.size(), 2u);
  EXPECT_NE(RawBytes(open[0]), RawBytes(open[1]));
}

TEST(ScratchFileTest, AMissingFolderIsAnError) {
  TempDir dir;
  Result<std::unique_ptr<ScratchFile>> file = ScratchFile::Create(dir.Sub("missing"));
  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().code, ErrorCode::kIo);
}

TEST(ScratchFileTest, ATarInAScratchFileIsTheSameArchiveAsInAFile) {
  TempDir dir;
  // Entries smaller and larger than the writer's buffer, so that headers are
  // patched both in the buffer and in the sink.
  const std::vector<std::pair<std::string, std::string>> entries = {
      {"small.txt", "small"},
      {"large.json", std::string(200000, 'L')},
      {"empty", ""},
      {"middle.csv", std::string(70000, 'M')},
  };
  auto write = [&](TarWriter& tar) {
    for (const auto& [name, bytes] : entries) {
      ASSERT_TRUE(tar.Begin(name).has_value());
      // In several appends, as the outbox is written.
      for (size_t at = 0; at < bytes.size(); at += 30000) {
        ASSERT_TRUE(tar.Append(std::string_view(bytes).substr(at, 30000)).has_value());
      }
    }
    ASSERT_TRUE(tar.Finish().has_value());
  };
  Result<std::unique_ptr<TarWriter>> to_file = TarWriter::Create(dir.Sub("plain.tar"), 1700000000);
  ASSERT_TRUE(to_file.has_value());
  write(**to_file);
  to_file->reset();
  std::string expected = RawBytes(dir.Sub("plain.tar"));

  TempDir scratch_dir;
  Result<std::unique_ptr<ScratchFile>> scratch = ScratchFile::Create(scratch_dir.path());
  ASSERT_TRUE(scratch.has_value());
  TarWriter tar(scratch->get(), 1700000000);
  write(tar);
  EXPECT_EQ((*scratch)->size(), expected.size());
  EXPECT_EQ(tar.size(), expected.size());
  std::shared_ptr<http::BodySource> body = ScratchFileBody(std::move(*scratch));
  ASSERT_EQ(body->Size(), expected.size());
  std::string streamed;
  std::vector<char> buffer(65536);
  for (;;) {
    Result<size_t> got = body->Read(buffer);
    ASSERT_TRUE(got.has_value());
    if (*got == 0) break;
    streamed.append(buffer.data(), *got);
  }
  EXPECT_TRUE(streamed == expected);
  EXPECT_EQ(expected.size() % 512, 0u);
  EXPECT_EQ(expected.substr(257, 5), "ustar");
  body.reset();
  EXPECT_TRUE(OpenFilesIn(scratch_dir.path()).empty());
}

}  // namespace
}  // namespace parvis::accounts
