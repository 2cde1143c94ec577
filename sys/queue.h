/*
 * sys/queue.h: singly/doubly linked lists and tail queues, after BSD's
 * <sys/queue.h> (same macro names and semantics, own implementation).
 */
#ifndef _SYS_QUEUE_H_
#define _SYS_QUEUE_H_

/* Doubly linked list: O(1) removal, insertion at head. */
#define LIST_HEAD(name, type)	struct name { struct type *lh_first; }
#define LIST_HEAD_INITIALIZER(h) { NULL }
#define LIST_ENTRY(type)	struct { struct type *le_next; struct type **le_prev; }
#define LIST_FIRST(h)		((h)->lh_first)
#define LIST_NEXT(e, f)		((e)->f.le_next)
#define LIST_EMPTY(h)		((h)->lh_first == NULL)
#define LIST_INIT(h)		do { (h)->lh_first = NULL; } while (0)
#define LIST_FOREACH(v, h, f)	\
	for ((v) = (h)->lh_first; (v) != NULL; (v) = (v)->f.le_next)
#define LIST_FOREACH_SAFE(v, h, f, t)	\
	for ((v) = (h)->lh_first; (v) != NULL && ((t) = (v)->f.le_next, 1); \
	    (v) = (t))
#define LIST_INSERT_HEAD(h, e, f) do {					\
	if (((e)->f.le_next = (h)->lh_first) != NULL)			\
		(h)->lh_first->f.le_prev = &(e)->f.le_next;		\
	(h)->lh_first = (e);						\
	(e)->f.le_prev = &(h)->lh_first;				\
} while (0)
#define LIST_REMOVE(e, f) do {						\
	if ((e)->f.le_next != NULL)					\
		(e)->f.le_next->f.le_prev = (e)->f.le_prev;		\
	*(e)->f.le_prev = (e)->f.le_next;				\
} while (0)

/* Tail queue: O(1) insertion at either end and removal. */
#define TAILQ_HEAD(name, type)	\
	struct name { struct type *tqh_first; struct type **tqh_last; }
#define TAILQ_HEAD_INITIALIZER(h) { NULL, &(h).tqh_first }
#define TAILQ_ENTRY(type)	\
	struct { struct type *tqe_next; struct type **tqe_prev; }
#define TAILQ_FIRST(h)		((h)->tqh_first)
#define TAILQ_NEXT(e, f)	((e)->f.tqe_next)
#define TAILQ_EMPTY(h)		((h)->tqh_first == NULL)
#define TAILQ_INIT(h) do {						\
	(h)->tqh_first = NULL;						\
	(h)->tqh_last = &(h)->tqh_first;				\
} while (0)
#define TAILQ_LAST(h, hname)	(*(((struct hname *)((h)->tqh_last))->tqh_last))
#define TAILQ_PREV(e, hname, f)	(*(((struct hname *)((e)->f.tqe_prev))->tqh_last))
#define TAILQ_FOREACH(v, h, f)	\
	for ((v) = (h)->tqh_first; (v) != NULL; (v) = (v)->f.tqe_next)
#define TAILQ_FOREACH_SAFE(v, h, f, t)	\
	for ((v) = (h)->tqh_first; (v) != NULL && ((t) = (v)->f.tqe_next, 1); \
	    (v) = (t))
#define TAILQ_INSERT_HEAD(h, e, f) do {					\
	if (((e)->f.tqe_next = (h)->tqh_first) != NULL)			\
		(h)->tqh_first->f.tqe_prev = &(e)->f.tqe_next;		\
	else								\
		(h)->tqh_last = &(e)->f.tqe_next;			\
	(h)->tqh_first = (e);						\
	(e)->f.tqe_prev = &(h)->tqh_first;				\
} while (0)
#define TAILQ_INSERT_TAIL(h, e, f) do {					\
	(e)->f.tqe_next = NULL;						\
	(e)->f.tqe_prev = (h)->tqh_last;				\
	*(h)->tqh_last = (e);						\
	(h)->tqh_last = &(e)->f.tqe_next;				\
} while (0)
#define TAILQ_REMOVE(h, e, f) do {					\
	if ((e)->f.tqe_next != NULL)					\
		(e)->f.tqe_next->f.tqe_prev = (e)->f.tqe_prev;		\
	else								\
		(h)->tqh_last = (e)->f.tqe_prev;			\
	*(e)->f.tqe_prev = (e)->f.tqe_next;				\
} while (0)

/* Singly linked list: cheapest, removal from head only. */
#define SLIST_HEAD(name, type)	struct name { struct type *slh_first; }
#define SLIST_ENTRY(type)	struct { struct type *sle_next; }
#define SLIST_FIRST(h)		((h)->slh_first)
#define SLIST_NEXT(e, f)	((e)->f.sle_next)
#define SLIST_EMPTY(h)		((h)->slh_first == NULL)
#define SLIST_INIT(h)		do { (h)->slh_first = NULL; } while (0)
#define SLIST_FOREACH(v, h, f)	\
	for ((v) = (h)->slh_first; (v) != NULL; (v) = (v)->f.sle_next)
#define SLIST_INSERT_HEAD(h, e, f) do {					\
	(e)->f.sle_next = (h)->slh_first;				\
	(h)->slh_first = (e);						\
} while (0)
#define SLIST_REMOVE_HEAD(h, f) do {					\
	(h)->slh_first = (h)->slh_first->f.sle_next;			\
} while (0)

#endif /* !_SYS_QUEUE_H_ */
