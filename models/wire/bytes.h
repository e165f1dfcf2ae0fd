/* bytes.h - explicit big-endian reads and writes for wire code.
 *
 * Wire code never casts a byte pointer to a wider type: alignment and byte order are handled
 * here, once. Callers check lengths before reading (STYLE.md rule 4); these helpers do not.
 */
#ifndef MCPSIM_WIRE_BYTES_H
#define MCPSIM_WIRE_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) << 32 | rd32(p + 4); }

static inline void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}
static inline void wr64(uint8_t *p, uint64_t v) { wr32(p, (uint32_t)(v >> 32)); wr32(p + 4, (uint32_t)v); }

/* Copies n bytes of a short field (TCP options, at most 40), 8 and then 1 at a time: a
 * variable-length memcpy of a few bytes is expanded into `rep movs`, whose start-up costs
 * more than the whole copy (measured: most of tcp_encode's time). */
static inline void copy_short(uint8_t *dst, const uint8_t *src, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        memcpy(dst + i, src + i, 8);
    for (; i < n; i++)
        dst[i] = src[i];
}

#endif
