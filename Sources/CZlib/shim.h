// The system's zlib, for gzip-compressed imports (Streaming API storage blobs are often shipped gzipped).
#include <zlib.h>
