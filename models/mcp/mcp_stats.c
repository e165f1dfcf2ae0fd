/* mcp_stats.c - names and printing of the datapath's decision/cost/anomaly counters. */
#include "models/mcp/mcp_stats.h"

#define MCP_NAME(id, name) name,
static const char *const op_names[] = { MCP_OPS(MCP_NAME) };
static const char *const decision_names[] = { MCP_DECISIONS(MCP_NAME) };
static const char *const reason_names[] = { MCP_REASONS(MCP_NAME) };
static const char *const anomaly_names[] = { MCP_ANOMALIES(MCP_NAME) };
static const char *const convert_names[] = { MCP_CONVERT_COUNTERS(MCP_NAME) };
#undef MCP_NAME

const char *mcp_op_name(enum mcp_op op)
{
    return (unsigned)op < MCP_OP_COUNT ? op_names[op] : "?";
}

const char *mcp_decision_name(enum mcp_decision d)
{
    return (unsigned)d < MCP_D_COUNT ? decision_names[d] : "?";
}

const char *mcp_reason_name(enum mcp_reason r)
{
    return (unsigned)r < MCP_R_COUNT ? reason_names[r] : "?";
}

const char *mcp_anomaly_name(enum mcp_anomaly a)
{
    return (unsigned)a < MCP_A_COUNT ? anomaly_names[a] : "?";
}

const char *mcp_convert_counter_name(enum mcp_convert_counter c)
{
    return (unsigned)c < MCP_C_COUNT ? convert_names[c] : "?";
}

void mcp_stats_record(struct mcp_stats *s, enum mcp_decision d, enum mcp_reason r,
                      const struct mcp_cost *c)
{
    s->packets++;
    s->decisions[d]++;
    s->reasons[r]++;
    for (int i = 0; i < MCP_OP_COUNT; i++)
        s->ops[i] += c->ops[i];
}

static void print_group(FILE *f, const char *group, const uint64_t *v, int n,
                        const char *(*name)(int))
{
    for (int i = 0; i < n; i++)
        if (v[i]) {
            /* One column for every group: "decision.pass" and "op.parse" alike. */
            char key[64];
            snprintf(key, sizeof key, "%s.%s", group, name(i));
            fprintf(f, "  %-31s %llu\n", key, (unsigned long long)v[i]);
        }
}

static const char *op_name_i(int i) { return mcp_op_name((enum mcp_op)i); }
static const char *decision_name_i(int i) { return mcp_decision_name((enum mcp_decision)i); }
static const char *reason_name_i(int i) { return mcp_reason_name((enum mcp_reason)i); }
static const char *anomaly_name_i(int i) { return mcp_anomaly_name((enum mcp_anomaly)i); }
static const char *convert_name_i(int i)
{
    return mcp_convert_counter_name((enum mcp_convert_counter)i);
}

void mcp_stats_print(const struct mcp_stats *s, FILE *f)
{
    fprintf(f, "  %-31s %llu\n", "packets", (unsigned long long)s->packets);
    print_group(f, "decision", s->decisions, MCP_D_COUNT, decision_name_i);
    print_group(f, "reason", s->reasons, MCP_R_COUNT, reason_name_i);
    print_group(f, "op", s->ops, MCP_OP_COUNT, op_name_i);
    print_group(f, "anomaly", s->anomalies, MCP_A_COUNT, anomaly_name_i);
    print_group(f, "convert", s->convert, MCP_C_COUNT, convert_name_i);
    fprintf(f, "  %-31s %llu\n  %-31s %llu\n", "bytes.added",
            (unsigned long long)s->bytes_added, "bytes.removed",
            (unsigned long long)s->bytes_removed);
}
