// Runs the real `parvis` binary as a child process, with pipes for its
// standard streams, so CLI tests see exactly what an operator would.
#ifndef PARVIS_TESTS_SUPPORT_SUBPROCESS_H_
#define PARVIS_TESTS_SUPPORT_SUBPROCESS_H_

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

extern char** environ;

namespace parvis::testing {

struct ProcessResult {
  int exit_code = -1;  // -1: killed by a signal or did not end in time
  std::string out;
  std::string err;
};

class Process {
 public:
  // Starts `args[0]` with `args`, the current environment plus `env`
  // (a value of "" removes the variable).
  Process(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
    int in[2], out[2], err[2];
    if (::pipe(in) != 0 || ::pipe(out) != 0 || ::pipe(err) != 0) return;
    std::vector<std::string> environment;
    for (char** e = environ; *e != nullptr; ++e) {
      std::string entry = *e;
      std::string name = entry.substr(0, entry.find('='));
      if (env.count(name) == 0 && name.rfind("PARVIS_", 0) != 0) environment.push_back(entry);
    }
    for (const auto& [name, value] : env) {
      if (!value.empty()) environment.push_back(name + "=" + value);
    }
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(in[0], 0);
      ::dup2(out[1], 1);
      ::dup2(err[1], 2);
      for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) ::close(fd);
      std::vector<char*> argv, envp;
      for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      for (const std::string& e : environment) envp.push_back(const_cast<char*>(e.c_str()));
      envp.push_back(nullptr);
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    stdin_ = in[1];
    stdout_ = out[0];
    stderr_ = err[0];
  }
  ~Process() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    for (int fd : {stdin_, stdout_, stderr_}) {
      if (fd >= 0) ::close(fd);
    }
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }

  void WriteStdin(const std::string& text) {
    size_t done = 0;
    while (done < text.size()) {
      ssize_t n = ::write(stdin_, text.data() + done, text.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
  }
  void CloseStdin() {
    if (stdin_ >= 0) ::close(stdin_);
    stdin_ = -1;
  }

  // Reads stdout until a line matches `pattern` (returns its first group) or
  // the time passes or the process closes stdout.
  std::optional<std::string> WaitForLine(const std::regex& pattern,
                                         std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      size_t newline;
      while ((newline = out_.find('\n', scanned_)) != std::string::npos) {
        std::string line = out_.substr(scanned_, newline - scanned_);
        scanned_ = newline + 1;
        std::smatch match;
        if (std::regex_search(line, match, pattern)) {
          return match.size() > 1 ? match[1].str() : line;
        }
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !ReadSome(stdout_, out_, static_cast<int>(left.count()))) {
        return std::nullopt;
      }
    }
  }

  // Waits for the exit (killing it after `timeout`) and collects the output.
  ProcessResult Finish(std::chrono::milliseconds timeout = std::chrono::milliseconds(60000)) {
    CloseStdin();
    auto deadline = std::chrono::steady_clock::now() + timeout;
    bool out_open = true, err_open = true;
    while (out_open || err_open) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        ::kill(pid_, SIGKILL);
        break;
      }
      pollfd fds[2] = {{stdout_, POLLIN, 0}, {stderr_, POLLIN, 0}};
      ::poll(fds, 2, static_cast<int>(left.count()));
      if (out_open && (fds[0].revents & (POLLIN | POLLHUP))) out_open = ReadSome(stdout_, out_, 0);
      if (err_open && (fds[1].revents & (POLLIN | POLLHUP))) err_open = ReadSome(stderr_, err_, 0);
    }
    int status = 0;
    ::waitpid(pid_, &status, 0);
    reaped_ = true;
    ProcessResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = out_;
    result.err = err_;
    return result;
  }

 private:
  // Appends what is readable within `timeout_ms`; false at end of file.
  static bool ReadSome(int fd, std::string& into, int timeout_ms) {
    pollfd pfd{fd, POLLIN, 0};
    if (::poll(&pfd, 1, timeout_ms) <= 0) return timeout_ms == 0;
    char buffer[4096];
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) return false;
    into.append(buffer, static_cast<size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  bool reaped_ = false;
  int stdin_ = -1, stdout_ = -1, stderr_ = -1;
  std::string out_, err_;
  size_t scanned_ = 0;
};

// Runs to completion with `input` on stdin.
inline ProcessResult RunProcess(const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env = {},
                         const std::string& input = "") {
  Process process(args, env);
  process.WriteStdin(input);
  return process.Finish();
}

}  // namespace parvis::testing

#endif  // PARVIS_TESTS_SUPPORT_SUBPROCESS_H_
