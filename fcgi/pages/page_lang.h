/* page_lang.h: the language switch (日本語 / English), remembered in a cookie. */
#ifndef ECC_PAGE_LANG_H
#define ECC_PAGE_LANG_H

struct req;

/* POST /lang: lang=ja|en, next=<local path>. 303 back to next; 400 on a
 * missing, duplicated or unknown value. */
int page_lang_set(struct req *r);

#endif
