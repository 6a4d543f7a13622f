/* core/err.c - names and exit statuses for rp_err. */
#include "core/err.h"

const char *rp_err_str(rp_err err)
{
	switch (err) {
	case RP_OK:           return "ok";
	case RP_ERR_INPUT:    return "bad input";
	case RP_ERR_LIMIT:    return "limit exceeded";
	case RP_ERR_NETWORK:  return "network failure";
	case RP_ERR_REDIS:    return "redis failure";
	case RP_ERR_IO:       return "i/o failure";
	case RP_ERR_USAGE:    return "bad usage";
	case RP_ERR_NOTFOUND: return "not found";
	}
	return "unknown error";
}

int rp_err_exit_status(rp_err err)
{
	switch (err) {
	case RP_OK:
		return 0;
	case RP_ERR_INPUT:
	case RP_ERR_LIMIT:
	case RP_ERR_USAGE:
		return 2;
	default:
		return 1;
	}
}
