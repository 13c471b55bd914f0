#include <iostream>

#include "parvis/config.h"
#include "server/cli.h"

int main(int argc, char** argv) {
  parvis::CliStreams streams{std::cin, std::cout, std::cerr, parvis::ProcessEnvironment()};
  return parvis::RunCli(argc, argv, streams);
}
