// A real nginx (Debian's binary, loading the built module) and a real
// onlookerd, on free loopback ports in a temp dir, configured from
// conf/nginx.conf.in like scripts/run.sh does. Stopped by pid on destruction.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "process.h"
#include "temp_dir.h"

namespace onlooker::test {

struct StackOptions {
  std::vector<std::string> onlookerd_args;  // extra flags
  std::string server_directives;  // added to the site's server block; @SITE@ = docroot
  // The viewers table (onlooker_viewers_zone at viewers_path(), onlookerd's
  // --viewers-zone) for $onlooker_viewers.
  bool viewers_zone = false;
  bool start_onlookerd = true;
  // nginx as a daemon (its master found through the pid file), as binary
  // upgrades need: a master that still has its original parent ignores USR2.
  bool daemon = false;
  std::string ring_size = "16m";  // onlooker_zone size=
  std::string db_dir;             // where onlooker.db goes; default: the stack's dir
  // NAME=VALUE pairs in nginx's environment, kept for its workers too (an
  // `env NAME;` directive each), e.g. libfaketime's LD_PRELOAD and FAKETIME.
  std::vector<std::string> nginx_env;
  // Without --token: start onlookerd with --open (as scripts/run.sh does);
  // false tests the installed default, private endpoints for this machine only.
  bool open = true;
};

class Stack {
 public:
  explicit Stack(StackOptions options = {});
  ~Stack();

  unsigned short site_port() const { return site_port_; }
  unsigned short api_port() const { return api_port_; }
  std::string ring_path() const { return dir_.file("ring"); }
  std::string viewers_path() const { return dir_.file("viewers"); }
  std::string db_path() const {
    return (options_.db_dir.empty() ? dir_.path().string() : options_.db_dir) + "/onlooker.db";
  }
  const TempDir& dir() const { return dir_; }

  void start_onlookerd();
  // SIGTERM (drains and commits) or SIGKILL; returns its exit status.
  int stop_onlookerd(int sig);
  std::string nginx_log() const { return read_file(dir_.file("error.log")); }
  // The current master's pid, from its pid file.
  pid_t nginx_master() const;
  std::vector<pid_t> nginx_workers() const;
  // Runs `nginx -s SIGNAL` against this instance; returns its exit status.
  int nginx_signal(const std::string& signal) const;
  std::string onlookerd_log() const { return read_file(dir_.file("onlookerd.log")); }
  pid_t onlookerd_pid() const { return onlookerd_ ? onlookerd_->pid() : -1; }

 private:
  void start();
  void stop_all();

  TempDir dir_;
  StackOptions options_;
  unsigned short site_port_;
  unsigned short api_port_;
  std::unique_ptr<Process> nginx_;
  std::unique_ptr<Process> onlookerd_;
};

// Paths of what the build produced, set by CMake.
std::string module_path();
std::string onlookerd_path();
std::string source_dir();

// conf/nginx.conf.in with its @VARIABLES@ replaced.
std::string render_nginx_conf(const std::string& run_dir, const std::string& ring,
                              unsigned short site_port, const std::string& docroot,
                              unsigned short api_port);

}  // namespace onlooker::test
