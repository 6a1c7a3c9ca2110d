/* tcplife_text.c - the languages, and the fall-back to English. */
#include "tcplife_text.h"

#include <string.h>

const tl_language tl_languages[TL_N_LANGS] = {
    [TL_LANG_EN] = { "en", "English", tl_text_en },
    [TL_LANG_ZH] = { "zh", "简体中文 (Simplified Chinese)", tl_text_zh },
};

const char *tl_text(enum tl_lang lang, enum tl_msg msg)
{
    if ((unsigned)msg >= TL_N_MSGS)
        return "";
    const char *t = (unsigned)lang < TL_N_LANGS ? tl_languages[lang].text[msg] : NULL;
    return t ? t : tl_text_en[msg] ? tl_text_en[msg] : "";
}

enum tl_lang tl_language_of(const char *code)
{
    for (int i = 0; code && i < TL_N_LANGS; i++)
        if (strcmp(tl_languages[i].code, code) == 0)
            return (enum tl_lang)i;
    return TL_LANG_EN;
}
