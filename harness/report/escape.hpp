// Text made safe for reports. Case messages and transcripts carry whatever
// bytes a helper wrote (invalid UTF-8, NULs, escape sequences), and every
// report format must stay well formed and readable.
#pragma once
#include <string>
#include <string_view>

namespace cph::report {

// Valid UTF-8 passes through; each invalid byte and each control character
// other than \n and \t becomes a visible "\xNN".
std::string printable(std::string_view bytes);

// printable(), then escaped for XML/HTML text (& < >) or, when `attribute`,
// for a double-quoted attribute value (also " ' and \n \t as character
// references, so that a parser returns them unchanged).
std::string xml_escape(std::string_view bytes, bool attribute = false);

// Length of the valid UTF-8 sequence at the start of `s`, 0 if invalid.
size_t utf8_sequence_length(std::string_view s);

}  // namespace cph::report
