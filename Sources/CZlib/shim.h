// The system's zlib: gzip-compressed imports and KQL's zlib/gzip functions.
#include <zlib.h>
