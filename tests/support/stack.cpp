#include "stack.h"

#include <signal.h>

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
  dir_.write("site/index.html", "<!doctype html><title>home</title><h1>home</h1>");
  dir_.write("site/about.html", "<!doctype html><title>about</title><h1>about</h1>");
  dir_.write("site/style.css", "body{}");
  dir_.write("tmp/.keep", "");
  std::string conf = render_nginx_conf(dir_.path().string(), ring_path(), site_port_,
                                       dir_.file("site"), api_port_);
  std::string extra = options_.server_directives;
  replace_all(extra, "@SITE@", dir_.file("site"));
  replace_all(conf, "        onlooker on;\n", "        onlooker on;\n" + extra + "\n");
  dir_.write("nginx.conf", conf);
  nginx_ = std::make_unique<Process>(
      std::vector<std::string>{"/usr/sbin/nginx", "-p", dir_.path().string(), "-c",
                               dir_.file("nginx.conf"), "-e", dir_.file("error.log"), "-g",
                               "daemon off;"},
      dir_.file("nginx.out"));
  if (!eventually([&] { return healthy(site_port_, "/style.css"); },
                  std::chrono::seconds(10))) {
    throw std::runtime_error("nginx did not start:\n" + read_file(dir_.file("nginx.out")) +
                             nginx_log());
  }
  if (options_.start_onlookerd) start_onlookerd();
}

Stack::~Stack() {
  if (onlookerd_) onlookerd_->stop(SIGTERM);
  if (nginx_) nginx_->stop(SIGQUIT);
}

void Stack::start_onlookerd() {
  std::vector<std::string> argv{onlookerd_path(), "--ring", ring_path(), "--db", db_path(),
                                "--listen", "127.0.0.1:" + std::to_string(api_port_)};
  argv.insert(argv.end(), options_.onlookerd_args.begin(), options_.onlookerd_args.end());
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
