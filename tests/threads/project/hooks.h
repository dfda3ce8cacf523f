/* Hooks the server runs on threads of their own, named only through a
 * table: linking the server must pull in the unit defining the table. */
struct hooks {
    void *(*log_main)(void *);
};
extern struct hooks server_hooks;
