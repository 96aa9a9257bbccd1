// A throwaway certificate authority for TLS tests, made with the openssl
// command line in a temp dir: a CA, leaf certificates it signs for the
// names and addresses a test asks for, and a self-signed one it does not.
#pragma once

#include <string>

#include "temp_dir.h"

namespace onlooker::test {

struct CertificateFiles {
  std::string certificate;  // PEM
  std::string key;          // PEM, unencrypted
};

class TestCertificates {
 public:
  TestCertificates();  // makes the CA; throws when openssl fails
  const std::string& ca_file() const { return ca_.certificate; }
  // A leaf signed by the CA; `alt_names` as subjectAltName wants them,
  // e.g. "IP:127.0.0.1,DNS:localhost".
  CertificateFiles leaf(const std::string& name, const std::string& alt_names) const;
  // A leaf signed by itself (no CA anyone trusts).
  CertificateFiles self_signed(const std::string& name, const std::string& alt_names) const;

 private:
  TempDir dir_;
  CertificateFiles ca_;
};

}  // namespace onlooker::test
