// One Parvis node: its store, its services and its routes, wired together.
// This is the only place that knows every wing of the server.
#ifndef PARVIS_SERVER_NODE_H_
#define PARVIS_SERVER_NODE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "parvis/config.h"
#include "parvis/result.h"
#include "parvis/storage.h"
#include "server/http/request.h"

namespace parvis {

// The control socket of the node whose data directory is `data_dir`.
std::string ControlSocketPath(const std::string& data_dir);

class Node {
 public:
  // Opens the data directory (locking it) and builds every service. Nothing
  // listens yet. Fails as storage::Store::Open does (kBusy when locked).
  static Result<std::unique_ptr<Node>> Open(const Config& config);
  // Stops serving if needed, then closes the database.
  ~Node();

  // Listens on the configured address and on the control socket.
  Status Serve(bool stop_on_signals);
  uint16_t port() const;  // after Serve
  void Stop();            // graceful, returns at once
  void Wait();            // until stopped

  // Runs an operator command in-process, as the control socket would.
  http::Response CallControl(const std::string& method, const std::string& target,
                             const std::string& json_body);

  // Local accounts, for start-up hints.
  Result<uint64_t> AccountCount() const;

  // The node's database, for operator tools and tests that look inside.
  storage::Store& store();

 private:
  struct Impl;
  explicit Node(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace parvis

#endif  // PARVIS_SERVER_NODE_H_
