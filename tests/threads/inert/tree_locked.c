/* A call tree 17 levels deep, each call handing its callee another part
 * of one nested global struct: 2^18 calling contexts, past racelint's
 * context soft limit. The leaf takes a lock: the program is explored (and
 * the soft limit reached).
 * Generated for tests/threads/run.sh. */
#include <pthread.h>
static pthread_mutex_t leaf_lock = PTHREAD_MUTEX_INITIALIZER;
struct n17 { int v; };
struct n16 { struct n17 l, r; };
struct n15 { struct n16 l, r; };
struct n14 { struct n15 l, r; };
struct n13 { struct n14 l, r; };
struct n12 { struct n13 l, r; };
struct n11 { struct n12 l, r; };
struct n10 { struct n11 l, r; };
struct n9 { struct n10 l, r; };
struct n8 { struct n9 l, r; };
struct n7 { struct n8 l, r; };
struct n6 { struct n7 l, r; };
struct n5 { struct n6 l, r; };
struct n4 { struct n5 l, r; };
struct n3 { struct n4 l, r; };
struct n2 { struct n3 l, r; };
struct n1 { struct n2 l, r; };
struct n0 { struct n1 l, r; };
static struct n0 tree;
static long total;
static void f17(struct n17 *p)
{
    pthread_mutex_lock(&leaf_lock);
    total += p->v;
    pthread_mutex_unlock(&leaf_lock);
}
static void f16(struct n16 *p)
{
    f17(&p->l);
    f17(&p->r);
}
static void f15(struct n15 *p)
{
    f16(&p->l);
    f16(&p->r);
}
static void f14(struct n14 *p)
{
    f15(&p->l);
    f15(&p->r);
}
static void f13(struct n13 *p)
{
    f14(&p->l);
    f14(&p->r);
}
static void f12(struct n12 *p)
{
    f13(&p->l);
    f13(&p->r);
}
static void f11(struct n11 *p)
{
    f12(&p->l);
    f12(&p->r);
}
static void f10(struct n10 *p)
{
    f11(&p->l);
    f11(&p->r);
}
static void f9(struct n9 *p)
{
    f10(&p->l);
    f10(&p->r);
}
static void f8(struct n8 *p)
{
    f9(&p->l);
    f9(&p->r);
}
static void f7(struct n7 *p)
{
    f8(&p->l);
    f8(&p->r);
}
static void f6(struct n6 *p)
{
    f7(&p->l);
    f7(&p->r);
}
static void f5(struct n5 *p)
{
    f6(&p->l);
    f6(&p->r);
}
static void f4(struct n4 *p)
{
    f5(&p->l);
    f5(&p->r);
}
static void f3(struct n3 *p)
{
    f4(&p->l);
    f4(&p->r);
}
static void f2(struct n2 *p)
{
    f3(&p->l);
    f3(&p->r);
}
static void f1(struct n1 *p)
{
    f2(&p->l);
    f2(&p->r);
}
static void f0(struct n0 *p)
{
    f1(&p->l);
    f1(&p->r);
}
int main(void)
{
    f0(&tree);
    return (int)(total & 1);
}
