#include "stack.h"

#include <algorithm>

#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "http_client.h"

namespace onlooker::test {
namespace {

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

bool healthy(unsigned short port, const std::string& target) {
  try {
    return http_get(port, target).status == 200;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

std::string module_path() { return ONLOOKER_TEST_MODULE; }
std::string onlookerd_path() { return ONLOOKER_TEST_ONLOOKERD; }
std::string source_dir() { return ONLOOKER_TEST_SOURCE_DIR; }

std::string render_nginx_conf(const std::string& run_dir, const std::string& ring,
                              unsigned short site_port, const std::string& docroot,
                              unsigned short api_port) {
  std::string conf = read_file(source_dir() + "/conf/nginx.conf.in");
  if (conf.empty()) throw std::runtime_error("cannot read conf/nginx.conf.in");
  replace_all(conf, "@MODULE@", module_path());
  replace_all(conf, "@RUN_DIR@", run_dir);
  replace_all(conf, "@RING@", ring);
  replace_all(conf, "@LISTEN@", "127.0.0.1:" + std::to_string(site_port));
  replace_all(conf, "@DOCROOT@", docroot);
  replace_all(conf, "@ONLOOKERD@", "127.0.0.1:" + std::to_string(api_port));
  return conf;
}

Stack::Stack(StackOptions options)
    : options_(std::move(options)), site_port_(free_port()), api_port_(free_port()) {
  while (api_port_ == site_port_) api_port_ = free_port();
  try {
    start();
  } catch (...) {
    stop_all();  // the destructor does not run when a constructor throws
    throw;
  }
}

void Stack::start() {
  dir_.write("site/index.html", "<!doctype html><title>home</title><h1>home</h1>");
  dir_.write("site/about.html", "<!doctype html><title>about</title><h1>about</h1>");
  dir_.write("site/style.css", "body{}");
  dir_.write("tmp/.keep", "");
  std::string conf = render_nginx_conf(dir_.path().string(), ring_path(), site_port_,
                                       dir_.file("site"), api_port_);
  std::string extra = options_.server_directives;
  replace_all(extra, "@SITE@", dir_.file("site"));
  replace_all(conf, "        onlooker on;\n", "        onlooker on;\n" + extra + "\n");
  replace_all(conf, "size=16m;", "size=" + options_.ring_size + ";");
  if (options_.viewers_zone) {
    replace_all(conf, "    # Trust X-Forwarded-For",
                "    onlooker_viewers_zone " + viewers_path() + " size=1m;\n\n    # Trust X-Forwarded-For");
  }
  std::vector<std::string> argv;
  if (!options_.nginx_env.empty()) {
    argv.push_back("/usr/bin/env");
    std::string keep;
    for (const auto& pair : options_.nginx_env) {
      argv.push_back(pair);
      keep += "env " + pair.substr(0, pair.find('=')) + ";\n";
    }
    replace_all(conf, "worker_processes 2;\n", "worker_processes 2;\n" + keep);
  }
  dir_.write("nginx.conf", conf);
  argv.insert(argv.end(), {"/usr/sbin/nginx", "-p", dir_.path().string(), "-c",
                           dir_.file("nginx.conf"), "-e", dir_.file("error.log")});
  if (!options_.daemon) {
    argv.push_back("-g");
    argv.push_back("daemon off;");
  }
  nginx_ = std::make_unique<Process>(argv, dir_.file("nginx.out"));
  if (options_.daemon && nginx_->wait_for(std::chrono::seconds(10)) != 0) {
    throw std::runtime_error("nginx did not start:\n" + read_file(dir_.file("nginx.out")));
  }
  if (!eventually([&] { return healthy(site_port_, "/style.css"); },
                  std::chrono::seconds(10))) {
    throw std::runtime_error("nginx did not start:\n" + read_file(dir_.file("nginx.out")) +
                             nginx_log());
  }
  if (options_.start_onlookerd) start_onlookerd();
}

Stack::~Stack() { stop_all(); }

void Stack::stop_all() {
  if (onlookerd_) onlookerd_->stop(SIGTERM);
  onlookerd_.reset();
  if (options_.daemon) {
    // Every master this instance had (after an upgrade, old and new): a
    // daemon is nobody's child, so nothing else would ever stop it.
    for (const char* file : {"nginx.pid", "nginx.pid.oldbin"}) {
      const std::string text = read_file(dir_.file(file));
      if (text.empty()) continue;
      const pid_t pid = std::stoi(text);
      ::kill(pid, SIGQUIT);
      if (!eventually([&] { return ::kill(pid, 0) != 0; }, std::chrono::seconds(10))) {
        ::kill(-pid, SIGKILL);  // its process group: the master and its workers
        ::kill(pid, SIGKILL);
      }
    }
  } else if (nginx_) {
    nginx_->stop(SIGQUIT);
  }
  nginx_.reset();
}

pid_t Stack::nginx_master() const {
  const std::string text = read_file(dir_.file("nginx.pid"));
  return text.empty() ? -1 : std::stoi(text);
}

std::vector<pid_t> Stack::nginx_workers() const {
  std::vector<pid_t> workers;
  const pid_t master = nginx_master();
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string stat = read_file(entry.path().string() + "/stat");
    const auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    int ppid = 0;
    char state = 0;
    if (std::sscanf(stat.c_str() + close + 1, " %c %d", &state, &ppid) == 2 && ppid == master) {
      workers.push_back(std::stoi(name));
    }
  }
  return workers;
}

int Stack::nginx_signal(const std::string& signal) const {
  return run_command({"/usr/sbin/nginx", "-p", dir_.path().string(), "-c", dir_.file("nginx.conf"),
                      "-e", dir_.file("error.log"), "-s", signal})
      .status;
}

void Stack::start_onlookerd() {
  std::vector<std::string> argv{onlookerd_path(), "--ring", ring_path(), "--db", db_path(),
                                "--listen", "127.0.0.1:" + std::to_string(api_port_)};
  if (options_.viewers_zone) argv.insert(argv.end(), {"--viewers-zone", viewers_path()});
  argv.insert(argv.end(), options_.onlookerd_args.begin(), options_.onlookerd_args.end());
  // Like scripts/run.sh: a developer's stack, open through its own nginx.
  const bool has_token = std::find(argv.begin(), argv.end(), "--token") != argv.end();
  if (options_.open && !has_token) argv.push_back("--open");
  onlookerd_ = std::make_unique<Process>(argv, dir_.file("onlookerd.log"));
  if (!eventually([&] { return healthy(api_port_, "/healthz"); }, std::chrono::seconds(10))) {
    throw std::runtime_error("onlookerd did not start:\n" + onlookerd_log());
  }
}

int Stack::stop_onlookerd(int sig) {
  const int status = onlookerd_->stop(sig);
  onlookerd_.reset();
  return status;
}

}  // namespace onlooker::test
