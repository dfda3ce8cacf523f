/* Starts a pool of tellers that move money around, then prints totals. */
#include "bank.h"
#include <stdio.h>

#define NTELLERS 4
#define ROUNDS 10000

static void *teller(void *arg)
{
    unsigned seed = (unsigned)(long)arg;
    for (int i = 0; i < ROUNDS; i++) {
        seed = seed * 1103515245u + 12345u;
        int from = (int)(seed % NACCOUNTS), to = (int)((seed >> 8) % NACCOUNTS);
        record_transfer(transfer(from, to, (long)(seed % 100)));
    }
    return NULL;
}

int main(void)
{
    pthread_t tellers[NTELLERS];
    for (int i = 0; i < NACCOUNTS; i++) {
        pthread_mutex_init(&accounts[i].lock, NULL);
        accounts[i].balance = 1000;
    }
    for (long i = 0; i < NTELLERS; i++)
        pthread_create(&tellers[i], NULL, teller, (void *)i);
    for (int i = 0; i < NTELLERS; i++)
        pthread_join(tellers[i], NULL);
    long total = 0;
    for (int i = 0; i < NACCOUNTS; i++)
        total += accounts[i].balance;
    printf("total %ld, %ld transfers, %ld failed\n", total, stats.transfers, stats.failed);
    return 0;
}
