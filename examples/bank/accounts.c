/* Transfers between accounts: each account is guarded by its own lock,
 * taken in a fixed order so two transfers never deadlock. */
#include "bank.h"

struct account accounts[NACCOUNTS];

int transfer(int from, int to, long amount)
{
    if (from == to) return 0;
    struct account *first = &accounts[from < to ? from : to];
    struct account *second = &accounts[from < to ? to : from];
    pthread_mutex_lock(&first->lock);
    pthread_mutex_lock(&second->lock);
    int ok = accounts[from].balance >= amount;
    if (ok) {
        accounts[from].balance -= amount;
        accounts[to].balance += amount;
    }
    pthread_mutex_unlock(&second->lock);
    pthread_mutex_unlock(&first->lock);
    return ok;
}
