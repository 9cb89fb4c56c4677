// Go's strconv quoting and unicode.IsPrint / IsSpace, as json v2 (Go 1.27+)
// uses them in its error texts: strconv.Quote, strconv.QuoteRune, and
// jsonwire's QuoteRune and InvalidTextError rendering.
//
// is_print knows the non-printable ranges (controls, format characters,
// separators other than U+0020, surrogates, private use, noncharacters); it
// has no table of unassigned code points, which Go's unicode.IsPrint also
// rejects: such a rune is quoted as is here where Go writes \uXXXX.
#pragma once
#include <string>
#include <string_view>

namespace cph::gostrconv {

bool is_print(char32_t r);
bool is_space(char32_t r);  // unicode.IsSpace
// strconv.Quote: `"..."`, invalid UTF-8 bytes as \xNN.
std::string quote(std::string_view s);
// strconv.QuoteRune: `'x'`.
std::string quote_rune(char32_t r);
// jsonwire.QuoteRune: the first rune of `b` quoted; an invalid byte as '\xNN'.
std::string quote_first_rune(std::string_view b);
// jsonwire.InvalidTextError.Error(): "invalid <label> <what> <where>", with
// `what` quoted as json v2 does (one rune: QuoteRune; text needing escapes:
// strconv.Quote; else in backquotes).
std::string invalid_text(std::string_view label, std::string_view what, std::string_view where);

}  // namespace cph::gostrconv
