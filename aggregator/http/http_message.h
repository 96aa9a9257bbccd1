// The request and response types every HTTP file speaks (Beast's string
// bodies), apart from the routes so that a header can name them cheaply.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace onlooker {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

}  // namespace onlooker
