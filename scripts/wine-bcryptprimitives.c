/*
 * TEST-ONLY stand-in for Windows' bcryptprimitives.dll, used by
 * scripts/windows-build-and-smoke to run rehabdocs.exe under Debian's Wine 8.
 *
 * Rust's standard library (and getrandom) import ProcessPrng from bcryptprimitives.dll, which
 * every Windows 10+ has but Wine 8 does not ship, so the exe would not even load. This DLL
 * exports ProcessPrng on top of RtlGenRandom (SystemFunction036 in advapi32), which Wine has.
 *
 * Never shipped: real Windows has the real DLL. The smoke script compiles this into its
 * scratch folder only, beside the exe it tests:
 *   x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll wine-bcryptprimitives.c -ladvapi32
 */
#include <windows.h>

/* RtlGenRandom's real name; declared here because <ntsecapi.h> only offers a macro for it. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* Same signature as the real one: fills `data` with `len` random bytes; always TRUE. */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
