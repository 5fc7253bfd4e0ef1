/* lex.h: the character classes HTTP parsers share (RFC 9110 tokens, whitespace, hex digits). */
#ifndef ECC_LEX_H
#define ECC_LEX_H

#include <stdbool.h>
#include <string.h>

/* lex_is_ws: optional whitespace (SP / HTAB). */
static inline bool
lex_is_ws(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* lex_is_tchar: RFC 9110 token character: visible ASCII except separators. */
static inline bool
lex_is_tchar(unsigned char c)
{
	if (c <= 0x20 || c >= 0x7F)
		return false;
	return strchr("()<>@,;:\\\"/[]?={}", c) == NULL;
}

/* lex_hexval: value of a hex digit, or -1. */
static inline int
lex_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
