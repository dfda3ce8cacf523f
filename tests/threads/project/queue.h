/* A small job queue shared by the programs of this project. */
#include <pthread.h>
void queue_push(int job);
int queue_pop(void);
extern long queue_pushed;
