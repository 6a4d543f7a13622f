/* core/err.h - the one error enum of rapporteur.
 *
 * Functions that can fail return an rp_err and are marked RP_MUST_CHECK;
 * their results go out through ret_ pointers written only on success.
 * Out of memory is not an error kind: core/alloc.h aborts instead, so
 * error paths are kept for the outside world. */
#ifndef RP_ERR_H
#define RP_ERR_H

#define RP_MUST_CHECK __attribute__((warn_unused_result))

enum rp_err {
	RP_OK = 0,
	RP_ERR_INPUT,     /* bad input: syntax, schema, encoding the data cannot be read in */
	RP_ERR_LIMIT,     /* input pushed past a named limit (core/limits.h) */
	RP_ERR_NETWORK,   /* a fetch failed: DNS, connect, TLS, HTTP status */
	RP_ERR_REDIS,     /* Redis refused, dropped or failed a command */
	RP_ERR_IO,        /* a local file or process failed */
	RP_ERR_USAGE,     /* the caller asked for something that makes no sense */
	RP_ERR_NOTFOUND,  /* the thing asked for does not exist */
};
typedef enum rp_err rp_err;

/* A short static English name for err ("bad input", ...). Never NULL. */
const char *rp_err_str(rp_err err);

/* The process exit status of DESIGN.md for err: 0 ok, 2 bad usage or
 * bad input, 1 any runtime failure. */
int rp_err_exit_status(rp_err err);

#endif
