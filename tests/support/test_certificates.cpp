#include "test_certificates.h"

#include <fstream>
#include <stdexcept>
#include <vector>

#include "process.h"

namespace onlooker::test {

namespace {

void openssl(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "/usr/bin/openssl");  // Debian's (package openssl)
  const RunResult result = run_command(arguments);
  if (result.status != 0) throw std::runtime_error("openssl failed: " + result.output);
}

// P-256 keys: quick to make, and every TLS 1.2/1.3 stack takes them.
const std::vector<std::string> new_key = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                                          "-nodes"};

}  // namespace

TestCertificates::TestCertificates()
    : ca_{dir_.file("ca.pem"), dir_.file("ca.key")} {
  std::vector<std::string> request = {"req", "-x509"};
  request.insert(request.end(), new_key.begin(), new_key.end());
  request.insert(request.end(), {"-keyout", ca_.key, "-out", ca_.certificate, "-days", "2", "-subj",
                                 "/CN=Onlooker test CA", "-addext",
                                 "basicConstraints=critical,CA:TRUE", "-addext",
                                 "keyUsage=critical,keyCertSign,cRLSign"});
  openssl(request);
}

CertificateFiles TestCertificates::leaf(const std::string& name, const std::string& alt_names) const {
  const CertificateFiles files{dir_.file(name + ".pem"), dir_.file(name + ".key")};
  const std::string extensions = dir_.file(name + ".ext");
  std::ofstream(extensions) << "subjectAltName=" << alt_names
                            << "\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n";
  std::vector<std::string> request = {"req"};
  request.insert(request.end(), new_key.begin(), new_key.end());
  request.insert(request.end(), {"-keyout", files.key, "-out", dir_.file(name + ".csr"), "-subj",
                                 "/CN=" + name});
  openssl(request);
  openssl({"x509", "-req", "-in", dir_.file(name + ".csr"), "-CA", ca_.certificate, "-CAkey",
           ca_.key, "-CAcreateserial", "-out", files.certificate, "-days", "2", "-extfile",
           extensions});
  return files;
}

CertificateFiles TestCertificates::self_signed(const std::string& name,
                                               const std::string& alt_names) const {
  const CertificateFiles files{dir_.file(name + ".pem"), dir_.file(name + ".key")};
  std::vector<std::string> request = {"req", "-x509"};
  request.insert(request.end(), new_key.begin(), new_key.end());
  request.insert(request.end(), {"-keyout", files.key, "-out", files.certificate, "-days", "2",
                                 "-subj", "/CN=" + name, "-addext", "subjectAltName=" + alt_names});
  openssl(request);
  return files;
}

}  // namespace onlooker::test
