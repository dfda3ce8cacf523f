/* A command-line tool: single-threaded, links the same queue. */
#include "queue.h"
int main(void)
{
    queue_push(1);
    return queue_pop();
}
