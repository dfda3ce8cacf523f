/* A small bank: accounts with their own locks, a global statistics block,
 * and a pool of teller threads. Used by the README's quick start. */
#ifndef BANK_H
#define BANK_H
#include <pthread.h>

#define NACCOUNTS 8

struct account {
    pthread_mutex_t lock;
    long balance;
};

struct stats {
    long transfers;
    long failed;
};

extern struct account accounts[NACCOUNTS];
extern struct stats stats;
extern pthread_mutex_t stats_lock;

int transfer(int from, int to, long amount);
void record_transfer(int ok);
#endif
