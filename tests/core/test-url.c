#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
int main(void){const struct CMUnitTest t[]={0};(void)t;return 0;}
