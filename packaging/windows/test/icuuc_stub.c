/* TEST ONLY, never shipped: a stand-in for Windows' own icuuc.dll (in System32 since Windows 10
 * 1903), which Wine 8 lacks. Qt6Core (PySide6 6.8+) imports only the ucnv_* converters from it;
 * here every converter fails to open, so Qt keeps to its built-in UTF codecs. smoke.sh builds it
 * with mingw-w64 and puts it in the throwaway Wine prefix's system32 before starting Cible. */
#include <stddef.h>
#define EXPORT __declspec(dllexport)
EXPORT void *ucnv_open(const char *name, int *err) {
    (void)name;
    if (err) *err = 4; /* U_FILE_ACCESS_ERROR */
    return NULL;
}
#define ZERO(name) EXPORT size_t name(void) { return 0; }
ZERO(ucnv_close) ZERO(UCNV_FROM_U_CALLBACK_SUBSTITUTE) ZERO(UCNV_TO_U_CALLBACK_SUBSTITUTE)
ZERO(ucnv_reset) ZERO(ucnv_getMaxCharSize) ZERO(ucnv_getName) ZERO(ucnv_getToUCallBack)
ZERO(ucnv_getFromUCallBack) ZERO(ucnv_setToUCallBack) ZERO(ucnv_setFromUCallBack)
ZERO(ucnv_cbToUWriteUChars) ZERO(ucnv_toUnicode) ZERO(ucnv_cbFromUWriteUChars)
ZERO(ucnv_toUCountPending) ZERO(ucnv_fromUCountPending) ZERO(ucnv_getStandardName)
ZERO(ucnv_getAvailableName) ZERO(ucnv_countAvailable) ZERO(ucnv_fromUnicode)
