/* API model files parsed (apimodel_internal.h): one YAML document, a
 * model file of models/ or a project config, checked against the tables of
 * keys and kinds below and turned into rl_api_fn definitions appended to
 * a pending list, which apimodel.c commits to the model only when the
 * whole input is valid.
 *
 * Invariants:
 *  1. Which keys an entry may or must have comes from kind_table alone.
 *  2. Every error names the input and the line and column of the node at
 *     fault, and quotes at most MAX_QUOTE bytes of the user's text; the
 *     input's size, depth and anchors are bounded before libyaml builds a
 *     document of it (check_bounds). */
#include "apimodel.h"
#include "apimodel_internal.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define FORMAT_VERSION "1"
/* reads/writes are 32-bit masks, so an argument index fits in 0..31. */
#define MAX_ARG_INDEX ((int)(sizeof(uint32_t) * CHAR_BIT) - 1)
/* Longest entry point name or glob in a project config. */
#define MAX_ENTRY_POINT_LEN 256
/* Longest piece of user text quoted back in a message. */
#define MAX_QUOTE 60


/* ---- The table of keys and kinds ---------------------------------------- */

typedef enum key_id {
    KEY_NAME, KEY_PREFIX, KEY_KIND, KEY_LOCK, KEY_MODE, KEY_SUCCESS,
    KEY_ENTRY, KEY_ARG, KEY_HANDLE, KEY_READS, KEY_WRITES, KEY_ATTR, KEY_STATE, KEY_STATE_USE, KEY_VALUE,
    KEY_EXPECTED, KEY_ELEMENTS, KEY_SIZE, KEY_LOOP, KEY_PARAM, KEY_STRINGS_FROM, KEY_ORDERS, KEY_CALLS, KEY_PASSES,
    KEY_MEMORY,
    KEY_COUNT
} key_id;

#define BIT(key) (1u << (key))
/* Keys every entry may have whatever its kind. */
#define COMMON_KEYS (BIT(KEY_NAME) | BIT(KEY_PREFIX) | BIT(KEY_KIND))

/* `what` explains a key in the message saying it is missing. */
static const struct key_info {
    const char *name;
    const char *what;
} key_table[KEY_COUNT] = {
    [KEY_NAME]    = {"name", "the function's name"},
    [KEY_PREFIX]  = {"prefix", "the prefix of the functions' names"},
    [KEY_KIND]    = {"kind", "what the function does"},
    [KEY_LOCK]    = {"lock", "the index of the argument pointing at the lock"},
    [KEY_MODE]    = {"mode", "shared or exclusive"},
    [KEY_SUCCESS] = {"success", "the return value meaning acquired"},
    [KEY_ENTRY]   = {"entry", "the index of the argument holding the function to run"},
    [KEY_ARG]     = {"arg", "the index of the argument passed to the entry"},
    [KEY_HANDLE]  = {"handle", "the index of the thread handle, once-control, semaphore, condition variable, barrier or jump buffer argument"},
    [KEY_READS]   = {"reads", "the arguments read through"},
    [KEY_WRITES]  = {"writes", "the arguments written through"},
    [KEY_ATTR]    = {"attr", "the index of the lock attributes argument"},
    [KEY_STATE]   = {"state", "the name of the hidden static object the function uses"},
    [KEY_STATE_USE] = {"state_use", "read or readwrite: what the function does to its hidden state"},
    [KEY_VALUE]   = {"value", "the index of the argument that must be a constant (nonzero to acquire, 0 to release) for the call to be a lock operation, or of a semaphore's initial count"},
    [KEY_EXPECTED] = {"expected", "the index of the argument giving the expected value, which must be 0 (or point to a local only ever set to 0)"},
    [KEY_ELEMENTS] = {"elements", "the index of the argument giving the number of elements allocated"},
    [KEY_SIZE]    = {"size", "the index of the argument giving the size allocated in bytes"},
    [KEY_LOOP]    = {"loop", "the index of the argument pointing at the event loop"},
    [KEY_PARAM]   = {"param", "the index of the callback's parameter that receives the argument registered with it"},
    [KEY_STRINGS_FROM] = {"strings_from", "the index of the first argument whose strings (char pointers, what %s prints) are read"},
    [KEY_ORDERS]  = {"orders", "itself, or through_lock: a post that orders only through the mutex its waiter takes back"},
    [KEY_CALLS]   = {"calls", "the index of the argument holding the function the call runs before it returns (qsort's comparator)"},
    [KEY_PASSES]  = {"passes", "the arguments the function in 'calls' is handed pointers into"},
    [KEY_MEMORY]  = {"memory", "uninitialised or zeroed: what the memory allocated holds"},
};

/* One row per kind: its name in the files and the keys it needs or allows
 * beyond COMMON_KEYS. Everything else about an entry is checked from here. */
static const struct kind_info {
    const char *name;
    unsigned required;
    unsigned optional;
} kind_table[RL_API_KIND_COUNT] = {
    [RL_API_LOCK]    = {"lock", BIT(KEY_LOCK), BIT(KEY_MODE)},
    [RL_API_TRYLOCK] = {"trylock", BIT(KEY_LOCK), BIT(KEY_MODE) | BIT(KEY_SUCCESS) | BIT(KEY_VALUE) | BIT(KEY_EXPECTED)},
    [RL_API_UNLOCK]  = {"unlock", BIT(KEY_LOCK), BIT(KEY_VALUE)},
    [RL_API_SPAWN]   = {"spawn", BIT(KEY_ENTRY), BIT(KEY_HANDLE) | BIT(KEY_ARG)},
    [RL_API_JOIN]    = {"join", BIT(KEY_HANDLE), 0},
    [RL_API_ONCE]    = {"once", BIT(KEY_ENTRY), BIT(KEY_HANDLE)},
    [RL_API_ATOMIC]  = {"atomic", 0, 0},
    [RL_API_ALLOC]   = {"alloc", 0, BIT(KEY_READS) | BIT(KEY_WRITES) | BIT(KEY_ELEMENTS) | BIT(KEY_SIZE) | BIT(KEY_MEMORY)},
    [RL_API_ACCESS]  = {"access", 0,
                        BIT(KEY_READS) | BIT(KEY_WRITES) | BIT(KEY_STATE) | BIT(KEY_STATE_USE) | BIT(KEY_STRINGS_FROM) |
                            BIT(KEY_CALLS) | BIT(KEY_PASSES)},
    [RL_API_LOCKINIT] = {"lockinit", BIT(KEY_LOCK), BIT(KEY_ATTR)},
    [RL_API_LOCKDESTROY] = {"lockdestroy", BIT(KEY_LOCK), 0},
    [RL_API_EXIT]    = {"exit", 0, 0},
    [RL_API_THREAD_EXIT] = {"thread_exit", 0, 0},
    [RL_API_JUMP]    = {"jump", 0, 0},
    [RL_API_FREE]    = {"free", 0, BIT(KEY_READS) | BIT(KEY_WRITES)},
    [RL_API_POST]    = {"post", BIT(KEY_HANDLE), BIT(KEY_ORDERS)},
    [RL_API_WAIT]    = {"wait", BIT(KEY_HANDLE), BIT(KEY_LOCK) | BIT(KEY_SUCCESS)},
    [RL_API_BARRIER] = {"barrier", BIT(KEY_HANDLE), 0},
    [RL_API_ATOMIC_BEGIN] = {"atomic_begin", 0, 0},
    [RL_API_ATOMIC_END] = {"atomic_end", 0, 0},
    [RL_API_ATOMIC_FUNCTION] = {"atomic_function", 0, 0},
    [RL_API_SETJMP]  = {"setjmp", BIT(KEY_HANDLE), 0},
    [RL_API_SEMINIT] = {"seminit", BIT(KEY_HANDLE) | BIT(KEY_VALUE), 0},
    [RL_API_REGISTER] = {"register", BIT(KEY_ENTRY), BIT(KEY_HANDLE) | BIT(KEY_ARG) | BIT(KEY_LOOP)},
    [RL_API_ATTACH]  = {"attach", BIT(KEY_HANDLE) | BIT(KEY_LOOP), 0},
    [RL_API_DISPATCH] = {"dispatch", BIT(KEY_PARAM), BIT(KEY_LOOP)},
};

/* Two-valued keys: the value's position in the list is what gets stored. */
static const char *const mode_values[] = {"exclusive", "shared", NULL};
static const char *const success_values[] = {"zero", "nonzero", NULL};
static const char *const state_use_values[] = {"readwrite", "read", NULL};
static const char *const orders_values[] = {"itself", "through_lock", NULL};
static const char *const memory_values[] = {"uninitialised", "zeroed", NULL};

const char *rl_api_kind_name(rl_api_kind kind)
{
    return (unsigned)kind < RL_API_KIND_COUNT ? kind_table[kind].name : "?";
}

/* ---- Parsing -------------------------------------------------------------- */

typedef struct parse_ctx {
    const char *origin; /* file name or caller's label, starts every message */
    yaml_document_t *doc;
    int config;         /* only `functions:` is ours (rl_apimodel_load_config) */
    rla_fn_list *pending;
    rl_error *err;
} parse_ctx;

/* Fails with "origin:line:column: message" pointing at node. */
static int fail_at(parse_ctx *ctx, const yaml_node_t *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail_at(parse_ctx *ctx, const yaml_node_t *node, const char *fmt, ...)
{
    char msg[RL_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return rl_fail(ctx->err, "%s:%zu:%zu: %s", ctx->origin, node->start_mark.line + 1,
                   node->start_mark.column + 1, msg);
}

static yaml_node_t *node_at(parse_ctx *ctx, yaml_node_item_t id)
{
    return yaml_document_get_node(ctx->doc, id);
}

/* Scalars are NUL-terminated by libyaml but may hold NULs of their own, so
 * comparisons use the length. */
static int scalar_is(const yaml_node_t *n, const char *s)
{
    return n->type == YAML_SCALAR_NODE && n->data.scalar.length == strlen(s) &&
           memcmp(n->data.scalar.value, s, n->data.scalar.length) == 0;
}

/* User text quoted back in a message: 'text' (cut short if long), or what
 * the node is when it is not a scalar. */
#define SHOWN_SIZE (MAX_QUOTE + sizeof "''...")
static const char *shown(const yaml_node_t *n, char buf[SHOWN_SIZE])
{
    if (n->type == YAML_SEQUENCE_NODE) return "a list";
    if (n->type == YAML_MAPPING_NODE) return "a mapping";
    size_t len = n->data.scalar.length;
    snprintf(buf, SHOWN_SIZE, "'%.*s%s'", (int)(len > MAX_QUOTE ? MAX_QUOTE : len),
             (const char *)n->data.scalar.value, len > MAX_QUOTE ? "..." : "");
    return buf;
}

/* "a, b, c" from a NULL-terminated list or from a table column. */
static void join_words(char *buf, size_t size, const char *const *words, size_t count)
{
    rl_strbuf sb = RL_STRBUF_INIT;
    for (size_t i = 0; i < count && words[i]; i++) rl_sb_printf(&sb, "%s%s", i ? ", " : "", words[i]);
    snprintf(buf, size, "%s", rl_sb_str(&sb));
    rl_sb_free(&sb);
}

/* "lock, trylock, ..." for messages about a missing or unknown kind. */
#define KIND_LIST_SIZE (RL_ERROR_MAX / 4)
static const char *kind_list(char buf[KIND_LIST_SIZE])
{
    const char *names[RL_API_KIND_COUNT];
    for (int k = 0; k < RL_API_KIND_COUNT; k++) names[k] = kind_table[k].name;
    join_words(buf, KIND_LIST_SIZE, names, RL_API_KIND_COUNT);
    return buf;
}

/* An argument index: a plain decimal integer in 0..MAX_ARG_INDEX. */
static int parse_index(parse_ctx *ctx, key_id key, const yaml_node_t *node, int *out)
{
    char got[SHOWN_SIZE];
    int value = 0;
    int ok = node->type == YAML_SCALAR_NODE && node->data.scalar.length > 0;
    for (size_t i = 0; ok && i < node->data.scalar.length; i++) {
        unsigned char c = node->data.scalar.value[i];
        ok = c >= '0' && c <= '9' && (value = value * 10 + (c - '0')) <= MAX_ARG_INDEX;
    }
    if (!ok)
        return fail_at(ctx, node, "'%s' must be an argument index, an integer in 0..%d (got %s)",
                       key_table[key].name, MAX_ARG_INDEX, shown(node, got));
    *out = value;
    return 0;
}

/* A list of argument indices, as a bit mask. Listing one twice is refused,
 * which also bounds the work an aliased huge list could cause. */
static int parse_index_list(parse_ctx *ctx, key_id key, const yaml_node_t *node, uint32_t *mask)
{
    if (node->type != YAML_SEQUENCE_NODE)
        return fail_at(ctx, node, "'%s' must be a list of argument indices, e.g. [0, 1]", key_table[key].name);
    *mask = 0;
    for (yaml_node_item_t *it = node->data.sequence.items.start; it < node->data.sequence.items.top; it++) {
        const yaml_node_t *item = node_at(ctx, *it);
        int index;
        if (parse_index(ctx, key, item, &index) < 0) return -1;
        if (*mask & (UINT32_C(1) << index))
            return fail_at(ctx, item, "'%s' lists argument %d twice", key_table[key].name, index);
        *mask |= UINT32_C(1) << index;
    }
    return 0;
}

/* One of a NULL-terminated list of words; *out is its position. */
static int parse_choice(parse_ctx *ctx, key_id key, const yaml_node_t *node,
                        const char *const *choices, int *out)
{
    char got[SHOWN_SIZE];
    for (int i = 0; choices[i]; i++) {
        if (scalar_is(node, choices[i])) {
            *out = i;
            return 0;
        }
    }
    char expected[RL_ERROR_MAX / 4];
    join_words(expected, sizeof expected, choices, SIZE_MAX);
    return fail_at(ctx, node, "'%s' must be one of %s (got %s)", key_table[key].name, expected, shown(node, got));
}

/* Names and prefixes are C identifiers (a prefix may be any start of one). */
static int parse_name(parse_ctx *ctx, key_id key, const yaml_node_t *node, char **out)
{
    char got[SHOWN_SIZE];
    int ok = node->type == YAML_SCALAR_NODE && node->data.scalar.length > 0;
    for (size_t i = 0; ok && i < node->data.scalar.length; i++) {
        unsigned char c = node->data.scalar.value[i];
        ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
    }
    if (!ok)
        return fail_at(ctx, node, "'%s' must be a C identifier (got %s)", key_table[key].name, shown(node, got));
    *out = rl_xstrdup((const char *)node->data.scalar.value);
    return 0;
}

static int parse_kind(parse_ctx *ctx, const yaml_node_t *node, rl_api_kind *out)
{
    char got[SHOWN_SIZE];
    for (int k = 0; k < RL_API_KIND_COUNT; k++) {
        if (scalar_is(node, kind_table[k].name)) {
            *out = (rl_api_kind)k;
            return 0;
        }
    }
    char kinds[KIND_LIST_SIZE];
    return fail_at(ctx, node, "unknown kind %s (expected one of %s)", shown(node, got), kind_list(kinds));
}

static int *index_field(rl_api_fn *fn, key_id key)
{
    switch (key) {
    case KEY_LOCK: return &fn->lock;
    case KEY_ENTRY: return &fn->entry;
    case KEY_ARG: return &fn->arg;
    case KEY_HANDLE: return &fn->handle;
    case KEY_ATTR: return &fn->attr;
    case KEY_VALUE: return &fn->value;
    case KEY_EXPECTED: return &fn->expected;
    case KEY_ELEMENTS: return &fn->elements;
    case KEY_SIZE: return &fn->size;
    case KEY_LOOP: return &fn->loop;
    case KEY_PARAM: return &fn->param;
    case KEY_STRINGS_FROM: return &fn->strings_from;
    case KEY_CALLS: return &fn->calls;
    default: return NULL;
    }
}

/* Fills fn from the entry's values (already checked against kind_table). */
static int fill_fn(parse_ctx *ctx, rl_api_fn *fn, yaml_node_t *const value[KEY_COUNT])
{
    for (int key = 0; key < KEY_COUNT; key++) {
        int *field = index_field(fn, (key_id)key);
        if (field && value[key] && parse_index(ctx, (key_id)key, value[key], field) < 0) return -1;
    }
    if (value[KEY_MODE] && parse_choice(ctx, KEY_MODE, value[KEY_MODE], mode_values, &fn->shared) < 0)
        return -1;
    if (value[KEY_SUCCESS] &&
        parse_choice(ctx, KEY_SUCCESS, value[KEY_SUCCESS], success_values, &fn->success_nonzero) < 0)
        return -1;
    /* a wait that says whether it waited (sem_trywait) */
    fn->can_fail = fn->kind == RL_API_WAIT && value[KEY_SUCCESS] != NULL;
    if (value[KEY_ORDERS] &&
        parse_choice(ctx, KEY_ORDERS, value[KEY_ORDERS], orders_values, &fn->through_lock) < 0)
        return -1;
    if (value[KEY_MEMORY] && parse_choice(ctx, KEY_MEMORY, value[KEY_MEMORY], memory_values, &fn->zeroed) < 0)
        return -1;
    if (value[KEY_READS] && parse_index_list(ctx, KEY_READS, value[KEY_READS], &fn->reads) < 0) return -1;
    if (value[KEY_WRITES] && parse_index_list(ctx, KEY_WRITES, value[KEY_WRITES], &fn->writes) < 0)
        return -1;
    if (value[KEY_STATE] && parse_name(ctx, KEY_STATE, value[KEY_STATE], &fn->state) < 0) return -1;
    if (value[KEY_PASSES] && !value[KEY_CALLS])
        return fail_at(ctx, value[KEY_PASSES], "'passes' needs 'calls' (the argument holding the function called)");
    if (value[KEY_PASSES] && parse_index_list(ctx, KEY_PASSES, value[KEY_PASSES], &fn->passes) < 0) return -1;
    if (value[KEY_EXPECTED] && !value[KEY_VALUE])
        return fail_at(ctx, value[KEY_EXPECTED], "'expected' needs 'value' (the argument taking the word)");
    if (value[KEY_STATE_USE] && !value[KEY_STATE])
        return fail_at(ctx, value[KEY_STATE_USE], "'state_use' needs 'state' (the hidden object's name)");
    if (value[KEY_STATE_USE] &&
        parse_choice(ctx, KEY_STATE_USE, value[KEY_STATE_USE], state_use_values, &fn->state_read_only) < 0)
        return -1;
    return 0;
}

static int parse_entry(parse_ctx *ctx, yaml_node_t *entry)
{
    char got[SHOWN_SIZE];
    yaml_node_t *key_node[KEY_COUNT] = {0}, *value[KEY_COUNT] = {0};

    if (entry->type != YAML_MAPPING_NODE)
        return fail_at(ctx, entry, "each entry of 'functions' must be a mapping (name: ..., kind: ...)");
    for (yaml_node_pair_t *p = entry->data.mapping.pairs.start; p < entry->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(ctx, p->key);
        int id = 0;
        while (id < KEY_COUNT && !scalar_is(k, key_table[id].name)) id++;
        if (id == KEY_COUNT) {
            const char *names[KEY_COUNT];
            char expected[RL_ERROR_MAX / 2];
            for (int i = 0; i < KEY_COUNT; i++) names[i] = key_table[i].name;
            join_words(expected, sizeof expected, names, KEY_COUNT);
            return fail_at(ctx, k, "unknown key %s in a function entry (expected %s)", shown(k, got), expected);
        }
        if (value[id]) return fail_at(ctx, k, "duplicate key '%s' in this entry", key_table[id].name);
        key_node[id] = k;
        value[id] = node_at(ctx, p->value);
    }

    if (!value[KEY_NAME] && !value[KEY_PREFIX])
        return fail_at(ctx, entry, "entry has neither 'name' nor 'prefix'");
    if (value[KEY_NAME] && value[KEY_PREFIX])
        return fail_at(ctx, key_node[KEY_PREFIX], "entry has both 'name' and 'prefix'; use one");
    key_id name_key = value[KEY_NAME] ? KEY_NAME : KEY_PREFIX;
    if (!value[KEY_KIND]) {
        char kinds[KIND_LIST_SIZE];
        return fail_at(ctx, entry, "entry for %s has no 'kind' (expected one of %s)",
                       shown(value[name_key], got), kind_list(kinds));
    }

    rl_api_kind kind = RL_API_LOCK;
    if (parse_kind(ctx, value[KEY_KIND], &kind) < 0) return -1;
    const struct kind_info *info = &kind_table[kind];
    unsigned allowed = COMMON_KEYS | info->required | info->optional;
    for (int id = 0; id < KEY_COUNT; id++) {
        if (value[id] && !(allowed & BIT(id)))
            return fail_at(ctx, key_node[id], "key '%s' does not apply to kind '%s'", key_table[id].name,
                           info->name);
        if (!value[id] && (info->required & BIT(id)))
            return fail_at(ctx, entry, "kind '%s' needs '%s' (%s)", info->name, key_table[id].name,
                           key_table[id].what);
    }

    rl_api_fn *fn = rl_xcalloc(1, sizeof *fn);
    fn->kind = kind;
    fn->is_prefix = name_key == KEY_PREFIX;
    fn->lock = fn->entry = fn->arg = fn->handle = fn->attr = fn->value = fn->expected = fn->calls = -1;
    fn->loop = fn->param = fn->strings_from = -1;
    fn->elements = fn->size = -1;
    fn->origin = rl_xasprintf("%s:%zu", ctx->origin, entry->start_mark.line + 1);
    if (parse_name(ctx, name_key, value[name_key], &fn->name) < 0 || fill_fn(ctx, fn, value) < 0) {
        rla_fn_free(fn);
        return -1;
    }
    RL_PUSH(ctx->pending->items, ctx->pending->len, ctx->pending->cap, fn);
    return 0;
}

static int parse_functions(parse_ctx *ctx, yaml_node_t *list)
{
    if (list->type != YAML_SEQUENCE_NODE)
        return fail_at(ctx, list, "'functions' must be a list of entries (- name: ..., kind: ...)");
    size_t count = (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
    if (count > RL_APIMODEL_MAX_ENTRIES)
        return fail_at(ctx, list, "'functions' has %zu entries, more than the limit of %d", count,
                       RL_APIMODEL_MAX_ENTRIES);
    for (size_t i = 0; i < count; i++)
        if (parse_entry(ctx, node_at(ctx, list->data.sequence.items.start[i])) < 0) return -1;
    return 0;
}

/* A config's `entry_points:`: a list of function names or globs
 * (fnmatch, `uv_*`) of functions that run in application threads, in any
 * number of them (docs/api-models.md). */
static int parse_entry_points(parse_ctx *ctx, yaml_node_t *list)
{
    char got[SHOWN_SIZE];
    if (list->type != YAML_SEQUENCE_NODE)
        return fail_at(ctx, list, "'entry_points' must be a list of function names or globs, not %s", shown(list, got));
    size_t count = (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
    if (count > RL_APIMODEL_MAX_ENTRIES)
        return fail_at(ctx, list, "'entry_points' has %zu entries, more than the limit of %d", count,
                       RL_APIMODEL_MAX_ENTRIES);
    for (size_t i = 0; i < count; i++) {
        yaml_node_t *item = node_at(ctx, list->data.sequence.items.start[i]);
        if (!item || item->type != YAML_SCALAR_NODE || item->data.scalar.length == 0 ||
            item->data.scalar.length > MAX_ENTRY_POINT_LEN || memchr(item->data.scalar.value, '\0', item->data.scalar.length))
            return fail_at(ctx, item ? item : list, "an entry point is a function name or glob of at most %d characters, not %s",
                           MAX_ENTRY_POINT_LEN, item ? shown(item, got) : "nothing");
        RL_PUSH(ctx->pending->entry_points, ctx->pending->nentry, ctx->pending->cap_entry,
                rl_xstrndup((const char *)item->data.scalar.value, item->data.scalar.length));
    }
    return 0;
}

/* The top level: `version: 1` and `functions:`, or in config mode
 * `functions:` and `entry_points:` among the caller's own keys. */
static int parse_document(parse_ctx *ctx)
{
    char got[SHOWN_SIZE];
    static const char *const expected = "'version: " FORMAT_VERSION "' and 'functions:'";
    yaml_node_t *root = yaml_document_get_root_node(ctx->doc);
    if (!root) return ctx->config ? 0 : rl_fail(ctx->err, "%s: empty document; expected %s", ctx->origin, expected);
    if (root->type != YAML_MAPPING_NODE)
        return fail_at(ctx, root, "the top level must be a mapping with %s", expected);

    yaml_node_t *version = NULL, *functions = NULL, *entry_points = NULL;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(ctx, p->key);
        yaml_node_t **dst = NULL;
        if (scalar_is(k, "functions"))
            dst = &functions;
        else if (scalar_is(k, "version") && !ctx->config)
            dst = &version;
        else if (scalar_is(k, "entry_points") && ctx->config)
            dst = &entry_points;
        if (!dst) {
            if (ctx->config) continue;
            return fail_at(ctx, k, "unknown top-level key %s (expected %s)", shown(k, got), expected);
        }
        if (*dst) return fail_at(ctx, k, "duplicate top-level key %s", shown(k, got));
        *dst = node_at(ctx, p->value);
    }
    if (!ctx->config) {
        if (!version) return fail_at(ctx, root, "missing 'version: " FORMAT_VERSION "'");
        if (!scalar_is(version, FORMAT_VERSION))
            return fail_at(ctx, version, "unsupported version %s (this racelint reads version " FORMAT_VERSION ")",
                           shown(version, got));
        if (!functions) return fail_at(ctx, root, "missing 'functions:' list");
    }
    if (entry_points && parse_entry_points(ctx, entry_points) < 0) return -1;
    return functions ? parse_functions(ctx, functions) : 0;
}

static int syntax_error(const yaml_parser_t *parser, const char *origin, rl_error *err)
{
    const char *problem = parser->problem ? parser->problem : "malformed YAML";
    switch (parser->error) {
    case YAML_MEMORY_ERROR:
        return rl_fail(err, "%s: out of memory while parsing", origin);
    case YAML_READER_ERROR: /* bad encoding: libyaml gives a byte offset, not a mark */
        return rl_fail(err, "%s: byte %zu: %s", origin, parser->problem_offset, problem);
    default:
        if (parser->context)
            return rl_fail(err, "%s:%zu:%zu: YAML syntax error: %s %s started at line %zu", origin,
                           parser->problem_mark.line + 1, parser->problem_mark.column + 1, problem,
                           parser->context, parser->context_mark.line + 1);
        return rl_fail(err, "%s:%zu:%zu: YAML syntax error: %s", origin, parser->problem_mark.line + 1,
                       parser->problem_mark.column + 1, problem);
    }
}

/* libyaml spends time quadratic in two things a hand-written model file
 * never has many of: open flow collections (its scanner walks a list with
 * one entry per open '[' or '{' for every token, so a line of 100 KiB of
 * '[' takes minutes), and anchors (each new anchor and each alias is
 * looked up in a plain list). So a first pass over the events, cheap and
 * without building the document, refuses deep nesting and many anchors
 * before yaml_parser_load sees the text. It stops at the first fault: up
 * to there nesting is bounded, and the scanner reads at most 1024
 * characters ahead. Syntax errors are left to the real load, which
 * stops at the same place with a better message. */
static int check_bounds(const char *origin, const char *text, size_t len, rl_error *err)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) return rl_fail(err, "%s: out of memory while parsing", origin);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    int depth = 0, anchors = 0, rc = 0, done = 0;
    while (!done && rc == 0) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) break;
        const char *anchor = NULL;
        switch (ev.type) {
        case YAML_SEQUENCE_START_EVENT:
            anchor = (const char *)ev.data.sequence_start.anchor;
            depth++;
            break;
        case YAML_MAPPING_START_EVENT:
            anchor = (const char *)ev.data.mapping_start.anchor;
            depth++;
            break;
        case YAML_SCALAR_EVENT: anchor = (const char *)ev.data.scalar.anchor; break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: depth--; break;
        case YAML_STREAM_END_EVENT: done = 1; break;
        default: break;
        }
        if (depth > RL_APIMODEL_MAX_DEPTH)
            rc = rl_fail(err, "%s:%zu:%zu: lists and mappings nested more than %d deep", origin,
                         ev.start_mark.line + 1, ev.start_mark.column + 1, RL_APIMODEL_MAX_DEPTH);
        else if (anchor && ++anchors > RL_APIMODEL_MAX_ANCHORS)
            rc = rl_fail(err, "%s:%zu:%zu: more than %d anchors (&name)", origin, ev.start_mark.line + 1,
                         ev.start_mark.column + 1, RL_APIMODEL_MAX_ANCHORS);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    return rc;
}

int rla_parse_buffer(rla_fn_list *pending, const char *origin, const char *text, size_t len, int config,
                        rl_error *err)
{
    if (len > RL_APIMODEL_MAX_BYTES)
        return rl_fail(err, "%s: %zu bytes is larger than %u MiB, the limit for a model file", origin, len,
                       RL_APIMODEL_MAX_BYTES >> 20);
    if (check_bounds(origin, text, len, err) < 0) return -1;
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser)) return rl_fail(err, "%s: out of memory while parsing", origin);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);

    int rc;
    if (!yaml_parser_load(&parser, &doc)) {
        rc = syntax_error(&parser, origin, err);
    } else {
        parse_ctx ctx = {origin, &doc, config, pending, err};
        rc = parse_document(&ctx);
        yaml_document_delete(&doc);
        /* Reading on finds syntax errors after the document, and a second
         * document, which would otherwise be ignored silently. */
        if (rc == 0) {
            if (!yaml_parser_load(&parser, &doc)) {
                rc = syntax_error(&parser, origin, err);
            } else {
                yaml_node_t *extra = yaml_document_get_root_node(&doc);
                if (extra)
                    rc = rl_fail(err, "%s:%zu:%zu: a second YAML document; a model file holds one", origin,
                                 extra->start_mark.line + 1, extra->start_mark.column + 1);
                yaml_document_delete(&doc);
            }
        }
    }
    yaml_parser_delete(&parser);
    return rc;
}
