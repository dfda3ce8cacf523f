/* One finding per location: the rules that judge memory (race,
 * write-under-read-lock) collect the accesses of a location that take part
 * in its problem, and emit one finding carrying every site.
 *
 * A site is a position in the code: accesses at the same file, line and
 * column are one site, so the accesses of one macro expansion (which all
 * sit at the expansion) are one, and so are the threads and contexts that
 * reach one expression. Each pair gets a number of doubts
 * (sites.c, and each rule's page): the pair with the fewest is the most
 * convincing and comes first; the finding's confidence is that pair's.
 *
 * Invariants: the finding's events[0] and events[1] are the sides of its
 * first pair (events[0] alone when the pair is a site with itself in two
 * instances of one thread; events[0] and a last event at the same place
 * when it is a site with itself in two threads); events
 * are never capped, pairs are (RL_MAX_PAIRS), and pairs_total counts the
 * pairs the rule confirmed (a rule may stop confirming pairs that add no
 * site and would not be kept). */
#ifndef RL_SITES_H
#define RL_SITES_H
#include "checks.h"
#include "util/ptrmap.h"
#include "util/u64set.h"

typedef struct rl_site {
    const rl_access *rep; /* the access shown for the site */
    uint8_t flags;        /* RL_ACC_* of every access counted at the site */
    int doubts;           /* the site's own doubts (its call chain) */
} rl_site;

typedef struct rl_site_pair {
    size_t a, b;          /* sites; a writes */
    const rl_access *pa, *pb; /* the accesses that race */
    int doubts;
    size_t order;         /* arrival order, for ties */
} rl_site_pair;

/* A pair has at most this many doubts: a weak call target, many objects,
 * both sides by type, and two for a lock that may be many (sites.c). */
#define RL_SITES_MAX_DOUBTS 5

typedef struct rl_sites {
    const rl_model *model;
    rl_ptrmap by_key;     /* position hash (as a pointer) -> site index + 1 */
    rl_site *sites;
    size_t nsites, cap_sites;
    rl_site_pair *pairs;
    size_t npairs, cap_pairs;
    rl_u64set seen;       /* site pairs already counted */
    signed char *weak;    /* per context: reached through a weak call (1),
                             not (0), not asked yet (-1); kept by reset */
    const rl_rule_options *options; /* the race options sites count accesses
                             by (rl_race_flags), NULL: as recorded; kept by reset */
} rl_sites;

/* What access a counts as under the race options o (NULL: the defaults):
 * its RL_ACC_* flags, without the write of a release when race.free is
 * ignore (a realloc is then its read), or 0 when it takes part in no race
 * (a volatile object's access under race.volatile=ignore, a free's
 * release under race.free=ignore). */
uint8_t rl_race_flags(const rl_rule_options *o, const rl_access *a);

void rl_sites_init(rl_sites *s, const rl_model *m);
/* Forgets the sites and pairs, for the next location. */
void rl_sites_reset(rl_sites *s);
void rl_sites_free(rl_sites *s);

/* Counts access a as a site of the location (write-under-read-lock). */
void rl_sites_add(rl_sites *s, const rl_access *a);
/* Counts the pair a, b (a the write, or either when both write) as racing;
 * a pair of sites counts once. */
void rl_sites_add_pair(rl_sites *s, const rl_access *a, const rl_access *b);

/* The doubts a pair of a and b has (0 .. RL_SITES_MAX_DOUBTS), in two
 * steps, for a rule that pairs many accesses: the part that reads only
 * the two places and the two locksets (the same for every pair of two
 * accesses that share their place and their lockset), then the pair's
 * doubts from that part (which adds what each access says of itself: its
 * call chain, a pointer that may hold one of several objects). */
int rl_sites_base_doubts(const rl_access *a, const rl_access *b);
int rl_sites_pair_doubts_from(rl_sites *s, int base, const rl_access *a, const rl_access *b);
/* The fewest doubts any pair of a with an access of the same class of the
 * other side can have: rl_sites_pair_doubts_from is never below it. */
int rl_sites_least_doubts_from(rl_sites *s, int base, const rl_access *a);

/* The finding of the collected sites, or NULL when there are none: rule,
 * severity, location, events, pairs, confidence and fingerprint set; the
 * rule writes the message and hint. place is the location's resolved
 * place (the group's). *first_a / *first_b (may be NULL) get
 * the accesses of the most convincing pair (the same access twice for a
 * lone site). */
rl_finding *rl_sites_emit(rl_sites *s, rl_findings *out, const char *rule, rl_severity severity, const char *place,
                          const rl_access **first_a, const rl_access **first_b);

#endif
