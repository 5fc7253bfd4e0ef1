/* db_arg.h: typed, counted statement arguments for db_exec()/db_query() (the macro layer). */
#ifndef ECC_DB_ARG_H
#define ECC_DB_ARG_H

#include <stddef.h>
#include <stdint.h>

/*
 * db_exec(db, a, sql, types, args...) is a macro. It counts the arguments
 * after the type string at compile time and wraps each one with DB_ARG(),
 * which records the C type it really has (through _Generic) in a struct
 * db_arg. The function behind it (db_exec_args, db_query_args) therefore
 * receives an array and its length instead of a va_list: a type string that
 * does not match the arguments is -ERR_INVALID, never undefined behaviour.
 *
 * Accepted C types (anything else, e.g. double or a struct, does not compile):
 *   integers of any width and signedness, bool, enums -> DB_ARG_INT / DB_ARG_UINT
 *   char *, const char *, char arrays and string literals -> DB_ARG_STR
 *   void *, unsigned char *, signed char * (and const; NULL is a void *) -> DB_ARG_PTR
 * At most 48 arguments per statement.
 */
enum db_arg_kind {
	DB_ARG_INT,   /* signed integer, in i */
	DB_ARG_UINT,  /* unsigned integer, in u */
	DB_ARG_STR,   /* char pointer (may be NULL), in p */
	DB_ARG_PTR,   /* other data pointer (may be NULL), in p */
};

struct db_arg {
	enum db_arg_kind kind;
	int64_t i;
	uint64_t u;
	const void *p;
};

/* db_arg_int / db_arg_uint / db_arg_str / db_arg_ptr: one value as a struct
 * db_arg (chosen by DB_ARG; pointers are stored, not copied, and must stay
 * valid until the db_exec/db_query call returns). */
static inline struct db_arg
db_arg_int(long long v)
{
	return (struct db_arg){ .kind = DB_ARG_INT, .i = v };
}

static inline struct db_arg
db_arg_uint(unsigned long long v)
{
	return (struct db_arg){ .kind = DB_ARG_UINT, .u = v };
}

static inline struct db_arg
db_arg_str(const char *v)
{
	return (struct db_arg){ .kind = DB_ARG_STR, .p = v };
}

static inline struct db_arg
db_arg_ptr(const void *v)
{
	return (struct db_arg){ .kind = DB_ARG_PTR, .p = v };
}

/* DB_ARG(x): one argument as a struct db_arg, chosen by x's type. */
#define DB_ARG(x) _Generic((x),                                                \
	_Bool: db_arg_int, char: db_arg_int, signed char: db_arg_int,         \
	short: db_arg_int, int: db_arg_int, long: db_arg_int,                 \
	long long: db_arg_int,                                                \
	unsigned char: db_arg_uint, unsigned short: db_arg_uint,              \
	unsigned int: db_arg_uint, unsigned long: db_arg_uint,                \
	unsigned long long: db_arg_uint,                                      \
	char *: db_arg_str, const char *: db_arg_str,                         \
	void *: db_arg_ptr, const void *: db_arg_ptr,                         \
	unsigned char *: db_arg_ptr, const unsigned char *: db_arg_ptr,       \
	signed char *: db_arg_ptr, const signed char *: db_arg_ptr)(x)

/*
 * DB_ARGS_(types, x1, ..., xn) expands to
 *   (types), n, (const struct db_arg[]){ DB_ARG(x1), ..., DB_ARG(xn) }
 * or (types), 0, NULL when there is no argument. Generated for n <= 48.
 */
#define DB_NARGS_(...) DB_NARGS_PICK_(__VA_ARGS__, \
	49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, \
	33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, \
	17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, \
	1, 0)
#define DB_NARGS_PICK_( \
	_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, \
	_17, _18, _19, _20, _21, _22, _23, _24, _25, _26, _27, _28, _29, _30, _31, _32, \
	_33, _34, _35, _36, _37, _38, _39, _40, _41, _42, _43, _44, _45, _46, _47, _48, \
	_49, \
	n, ...) n
#define DB_CAT_(a, b) DB_CAT2_(a, b)
#define DB_CAT2_(a, b) a##b
#define DB_ARGS_(...) DB_CAT_(DB_ARGS_, DB_NARGS_(__VA_ARGS__))(__VA_ARGS__)
#define DB_ARGS_1(t) (t), 0, NULL
#define DB_ARGS_2(t, ...) (t), 1, (const struct db_arg[]){ DB_MAP_1(__VA_ARGS__) }
#define DB_ARGS_3(t, ...) (t), 2, (const struct db_arg[]){ DB_MAP_2(__VA_ARGS__) }
#define DB_ARGS_4(t, ...) (t), 3, (const struct db_arg[]){ DB_MAP_3(__VA_ARGS__) }
#define DB_ARGS_5(t, ...) (t), 4, (const struct db_arg[]){ DB_MAP_4(__VA_ARGS__) }
#define DB_ARGS_6(t, ...) (t), 5, (const struct db_arg[]){ DB_MAP_5(__VA_ARGS__) }
#define DB_ARGS_7(t, ...) (t), 6, (const struct db_arg[]){ DB_MAP_6(__VA_ARGS__) }
#define DB_ARGS_8(t, ...) (t), 7, (const struct db_arg[]){ DB_MAP_7(__VA_ARGS__) }
#define DB_ARGS_9(t, ...) (t), 8, (const struct db_arg[]){ DB_MAP_8(__VA_ARGS__) }
#define DB_ARGS_10(t, ...) (t), 9, (const struct db_arg[]){ DB_MAP_9(__VA_ARGS__) }
#define DB_ARGS_11(t, ...) (t), 10, (const struct db_arg[]){ DB_MAP_10(__VA_ARGS__) }
#define DB_ARGS_12(t, ...) (t), 11, (const struct db_arg[]){ DB_MAP_11(__VA_ARGS__) }
#define DB_ARGS_13(t, ...) (t), 12, (const struct db_arg[]){ DB_MAP_12(__VA_ARGS__) }
#define DB_ARGS_14(t, ...) (t), 13, (const struct db_arg[]){ DB_MAP_13(__VA_ARGS__) }
#define DB_ARGS_15(t, ...) (t), 14, (const struct db_arg[]){ DB_MAP_14(__VA_ARGS__) }
#define DB_ARGS_16(t, ...) (t), 15, (const struct db_arg[]){ DB_MAP_15(__VA_ARGS__) }
#define DB_ARGS_17(t, ...) (t), 16, (const struct db_arg[]){ DB_MAP_16(__VA_ARGS__) }
#define DB_ARGS_18(t, ...) (t), 17, (const struct db_arg[]){ DB_MAP_17(__VA_ARGS__) }
#define DB_ARGS_19(t, ...) (t), 18, (const struct db_arg[]){ DB_MAP_18(__VA_ARGS__) }
#define DB_ARGS_20(t, ...) (t), 19, (const struct db_arg[]){ DB_MAP_19(__VA_ARGS__) }
#define DB_ARGS_21(t, ...) (t), 20, (const struct db_arg[]){ DB_MAP_20(__VA_ARGS__) }
#define DB_ARGS_22(t, ...) (t), 21, (const struct db_arg[]){ DB_MAP_21(__VA_ARGS__) }
#define DB_ARGS_23(t, ...) (t), 22, (const struct db_arg[]){ DB_MAP_22(__VA_ARGS__) }
#define DB_ARGS_24(t, ...) (t), 23, (const struct db_arg[]){ DB_MAP_23(__VA_ARGS__) }
#define DB_ARGS_25(t, ...) (t), 24, (const struct db_arg[]){ DB_MAP_24(__VA_ARGS__) }
#define DB_ARGS_26(t, ...) (t), 25, (const struct db_arg[]){ DB_MAP_25(__VA_ARGS__) }
#define DB_ARGS_27(t, ...) (t), 26, (const struct db_arg[]){ DB_MAP_26(__VA_ARGS__) }
#define DB_ARGS_28(t, ...) (t), 27, (const struct db_arg[]){ DB_MAP_27(__VA_ARGS__) }
#define DB_ARGS_29(t, ...) (t), 28, (const struct db_arg[]){ DB_MAP_28(__VA_ARGS__) }
#define DB_ARGS_30(t, ...) (t), 29, (const struct db_arg[]){ DB_MAP_29(__VA_ARGS__) }
#define DB_ARGS_31(t, ...) (t), 30, (const struct db_arg[]){ DB_MAP_30(__VA_ARGS__) }
#define DB_ARGS_32(t, ...) (t), 31, (const struct db_arg[]){ DB_MAP_31(__VA_ARGS__) }
#define DB_ARGS_33(t, ...) (t), 32, (const struct db_arg[]){ DB_MAP_32(__VA_ARGS__) }
#define DB_ARGS_34(t, ...) (t), 33, (const struct db_arg[]){ DB_MAP_33(__VA_ARGS__) }
#define DB_ARGS_35(t, ...) (t), 34, (const struct db_arg[]){ DB_MAP_34(__VA_ARGS__) }
#define DB_ARGS_36(t, ...) (t), 35, (const struct db_arg[]){ DB_MAP_35(__VA_ARGS__) }
#define DB_ARGS_37(t, ...) (t), 36, (const struct db_arg[]){ DB_MAP_36(__VA_ARGS__) }
#define DB_ARGS_38(t, ...) (t), 37, (const struct db_arg[]){ DB_MAP_37(__VA_ARGS__) }
#define DB_ARGS_39(t, ...) (t), 38, (const struct db_arg[]){ DB_MAP_38(__VA_ARGS__) }
#define DB_ARGS_40(t, ...) (t), 39, (const struct db_arg[]){ DB_MAP_39(__VA_ARGS__) }
#define DB_ARGS_41(t, ...) (t), 40, (const struct db_arg[]){ DB_MAP_40(__VA_ARGS__) }
#define DB_ARGS_42(t, ...) (t), 41, (const struct db_arg[]){ DB_MAP_41(__VA_ARGS__) }
#define DB_ARGS_43(t, ...) (t), 42, (const struct db_arg[]){ DB_MAP_42(__VA_ARGS__) }
#define DB_ARGS_44(t, ...) (t), 43, (const struct db_arg[]){ DB_MAP_43(__VA_ARGS__) }
#define DB_ARGS_45(t, ...) (t), 44, (const struct db_arg[]){ DB_MAP_44(__VA_ARGS__) }
#define DB_ARGS_46(t, ...) (t), 45, (const struct db_arg[]){ DB_MAP_45(__VA_ARGS__) }
#define DB_ARGS_47(t, ...) (t), 46, (const struct db_arg[]){ DB_MAP_46(__VA_ARGS__) }
#define DB_ARGS_48(t, ...) (t), 47, (const struct db_arg[]){ DB_MAP_47(__VA_ARGS__) }
#define DB_ARGS_49(t, ...) (t), 48, (const struct db_arg[]){ DB_MAP_48(__VA_ARGS__) }
#define DB_MAP_1(x) DB_ARG(x)
#define DB_MAP_2(x, ...) DB_ARG(x), DB_MAP_1(__VA_ARGS__)
#define DB_MAP_3(x, ...) DB_ARG(x), DB_MAP_2(__VA_ARGS__)
#define DB_MAP_4(x, ...) DB_ARG(x), DB_MAP_3(__VA_ARGS__)
#define DB_MAP_5(x, ...) DB_ARG(x), DB_MAP_4(__VA_ARGS__)
#define DB_MAP_6(x, ...) DB_ARG(x), DB_MAP_5(__VA_ARGS__)
#define DB_MAP_7(x, ...) DB_ARG(x), DB_MAP_6(__VA_ARGS__)
#define DB_MAP_8(x, ...) DB_ARG(x), DB_MAP_7(__VA_ARGS__)
#define DB_MAP_9(x, ...) DB_ARG(x), DB_MAP_8(__VA_ARGS__)
#define DB_MAP_10(x, ...) DB_ARG(x), DB_MAP_9(__VA_ARGS__)
#define DB_MAP_11(x, ...) DB_ARG(x), DB_MAP_10(__VA_ARGS__)
#define DB_MAP_12(x, ...) DB_ARG(x), DB_MAP_11(__VA_ARGS__)
#define DB_MAP_13(x, ...) DB_ARG(x), DB_MAP_12(__VA_ARGS__)
#define DB_MAP_14(x, ...) DB_ARG(x), DB_MAP_13(__VA_ARGS__)
#define DB_MAP_15(x, ...) DB_ARG(x), DB_MAP_14(__VA_ARGS__)
#define DB_MAP_16(x, ...) DB_ARG(x), DB_MAP_15(__VA_ARGS__)
#define DB_MAP_17(x, ...) DB_ARG(x), DB_MAP_16(__VA_ARGS__)
#define DB_MAP_18(x, ...) DB_ARG(x), DB_MAP_17(__VA_ARGS__)
#define DB_MAP_19(x, ...) DB_ARG(x), DB_MAP_18(__VA_ARGS__)
#define DB_MAP_20(x, ...) DB_ARG(x), DB_MAP_19(__VA_ARGS__)
#define DB_MAP_21(x, ...) DB_ARG(x), DB_MAP_20(__VA_ARGS__)
#define DB_MAP_22(x, ...) DB_ARG(x), DB_MAP_21(__VA_ARGS__)
#define DB_MAP_23(x, ...) DB_ARG(x), DB_MAP_22(__VA_ARGS__)
#define DB_MAP_24(x, ...) DB_ARG(x), DB_MAP_23(__VA_ARGS__)
#define DB_MAP_25(x, ...) DB_ARG(x), DB_MAP_24(__VA_ARGS__)
#define DB_MAP_26(x, ...) DB_ARG(x), DB_MAP_25(__VA_ARGS__)
#define DB_MAP_27(x, ...) DB_ARG(x), DB_MAP_26(__VA_ARGS__)
#define DB_MAP_28(x, ...) DB_ARG(x), DB_MAP_27(__VA_ARGS__)
#define DB_MAP_29(x, ...) DB_ARG(x), DB_MAP_28(__VA_ARGS__)
#define DB_MAP_30(x, ...) DB_ARG(x), DB_MAP_29(__VA_ARGS__)
#define DB_MAP_31(x, ...) DB_ARG(x), DB_MAP_30(__VA_ARGS__)
#define DB_MAP_32(x, ...) DB_ARG(x), DB_MAP_31(__VA_ARGS__)
#define DB_MAP_33(x, ...) DB_ARG(x), DB_MAP_32(__VA_ARGS__)
#define DB_MAP_34(x, ...) DB_ARG(x), DB_MAP_33(__VA_ARGS__)
#define DB_MAP_35(x, ...) DB_ARG(x), DB_MAP_34(__VA_ARGS__)
#define DB_MAP_36(x, ...) DB_ARG(x), DB_MAP_35(__VA_ARGS__)
#define DB_MAP_37(x, ...) DB_ARG(x), DB_MAP_36(__VA_ARGS__)
#define DB_MAP_38(x, ...) DB_ARG(x), DB_MAP_37(__VA_ARGS__)
#define DB_MAP_39(x, ...) DB_ARG(x), DB_MAP_38(__VA_ARGS__)
#define DB_MAP_40(x, ...) DB_ARG(x), DB_MAP_39(__VA_ARGS__)
#define DB_MAP_41(x, ...) DB_ARG(x), DB_MAP_40(__VA_ARGS__)
#define DB_MAP_42(x, ...) DB_ARG(x), DB_MAP_41(__VA_ARGS__)
#define DB_MAP_43(x, ...) DB_ARG(x), DB_MAP_42(__VA_ARGS__)
#define DB_MAP_44(x, ...) DB_ARG(x), DB_MAP_43(__VA_ARGS__)
#define DB_MAP_45(x, ...) DB_ARG(x), DB_MAP_44(__VA_ARGS__)
#define DB_MAP_46(x, ...) DB_ARG(x), DB_MAP_45(__VA_ARGS__)
#define DB_MAP_47(x, ...) DB_ARG(x), DB_MAP_46(__VA_ARGS__)
#define DB_MAP_48(x, ...) DB_ARG(x), DB_MAP_47(__VA_ARGS__)

#endif
