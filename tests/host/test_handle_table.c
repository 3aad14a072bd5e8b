/* The handle table on its own: IDs, generations, types, retirement. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include <windows.h>

#include "handle_table.h"

#define INDEX_MASK ((1ull << ID_INDEX_BITS) - 1)

static int objects[4];

static uint64_t insert(object_type type, void *object)
{
    uint64_t id = 0;
    assert_int_equal(table_insert(type, object, &id), NO_ERROR);
    assert_true(id != 0);
    return id;
}

static void an_id_names_its_object_and_type(void **state)
{
    (void)state;
    uint64_t session = insert(OBJECT_SERVER_SESSION, &objects[0]);
    uint64_t group = insert(OBJECT_URL_GROUP, &objects[1]);
    assert_int_equal((session >> ID_TYPE_SHIFT) & 7, OBJECT_SERVER_SESSION);
    assert_int_equal((group >> ID_TYPE_SHIFT) & 7, OBJECT_URL_GROUP);

    assert_ptr_equal(table_acquire(session, OBJECT_SERVER_SESSION), &objects[0]);
    table_release(session);
    assert_null(table_acquire(session, OBJECT_URL_GROUP));
    assert_null(table_acquire(group, OBJECT_SERVER_SESSION));
    assert_true(table_is_live(group, OBJECT_URL_GROUP));

    assert_ptr_equal(table_remove(session, OBJECT_SERVER_SESSION), &objects[0]);
    assert_null(table_remove(session, OBJECT_SERVER_SESSION));
    assert_null(table_acquire(session, OBJECT_SERVER_SESSION));
    assert_ptr_equal(table_remove(group, OBJECT_URL_GROUP), &objects[1]);
    assert_int_equal(table_live_count(), 0);
}

static void forged_ids_are_refused(void **state)
{
    (void)state;
    uint64_t id = insert(OBJECT_SERVER_SESSION, &objects[0]);
    const uint64_t forged[] = {
        0,
        UINT64_MAX,
        id ^ (1ull << ID_GENERATION_SHIFT),
        id ^ (1ull << (ID_TAG_SHIFT + ID_TAG_BITS - 1)),
        (id & ~INDEX_MASK) | INDEX_MASK,        /* beyond every page */
        (id & ~INDEX_MASK) | ((id + 1) & INDEX_MASK),
        id & ~(7ull << ID_TYPE_SHIFT),          /* type 0 */
    };
    for (size_t i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
        assert_null(table_acquire(forged[i], OBJECT_SERVER_SESSION));
        assert_null(table_remove(forged[i], OBJECT_SERVER_SESSION));
    }
    assert_ptr_equal(table_remove(id, OBJECT_SERVER_SESSION), &objects[0]);
}

static void a_reused_slot_gets_a_new_generation(void **state)
{
    (void)state;
    uint64_t first = insert(OBJECT_URL_GROUP, &objects[0]);
    table_remove(first, OBJECT_URL_GROUP);
    uint64_t second = insert(OBJECT_URL_GROUP, &objects[1]);
    assert_int_equal(first & INDEX_MASK, second & INDEX_MASK);
    assert_true(first != second);
    assert_null(table_acquire(first, OBJECT_URL_GROUP));
    assert_ptr_equal(table_remove(second, OBJECT_URL_GROUP), &objects[1]);
}

/* A slot whose generations are used up is never handed out again, so even
 * then no closed ID comes back. */
static void an_exhausted_slot_is_retired(void **state)
{
    (void)state;
    const uint64_t generation_mask = (1ull << ID_GENERATION_BITS) - 1;
    uint64_t first = insert(OBJECT_SERVER_SESSION, &objects[0]);
    uint64_t index = first & INDEX_MASK;
    uint64_t last_from_slot = first, id = first;
    for (;;) {
        assert_ptr_equal(table_remove(id, OBJECT_SERVER_SESSION), &objects[0]);
        id = insert(OBJECT_SERVER_SESSION, &objects[0]);
        if ((id & INDEX_MASK) != index)
            break;
        assert_true(id != first);
        last_from_slot = id;
    }
    /* The slot went through every generation before it was retired. */
    assert_int_equal((last_from_slot >> ID_GENERATION_SHIFT) & generation_mask, generation_mask);
    assert_null(table_acquire(first, OBJECT_SERVER_SESSION));
    assert_null(table_acquire(last_from_slot, OBJECT_SERVER_SESSION));
    assert_ptr_equal(table_remove(id, OBJECT_SERVER_SESSION), &objects[0]);
}

static void thousands_of_live_objects_span_pages(void **state)
{
    (void)state;
    enum { COUNT = 20000 };
    uint64_t *ids = malloc(sizeof(*ids) * COUNT);
    assert_non_null(ids);
    for (int i = 0; i < COUNT; i++)
        ids[i] = insert(OBJECT_URL_GROUP, &objects[i % 4]);
    assert_int_equal(table_live_count(), COUNT);
    for (int i = 0; i < COUNT; i++) {
        assert_ptr_equal(table_acquire(ids[i], OBJECT_URL_GROUP), &objects[i % 4]);
        table_release(ids[i]);
    }
    for (int i = 0; i < COUNT; i++)
        assert_ptr_equal(table_remove(ids[i], OBJECT_URL_GROUP), &objects[i % 4]);
    assert_int_equal(table_live_count(), 0);
    free(ids);
}

/* The inline words: zero for a new ID, kept per ID, gone with it. */
static void inline_words_belong_to_one_id(void **state)
{
    (void)state;
    static const table_words written = { { 0x0123456789abcdefull, 0xfedcba9876543210ull, 42 } };
    table_words words;
    uint64_t first = insert(OBJECT_SERVER_SESSION, &objects[0]);
    assert_true(table_read_words(first, OBJECT_SERVER_SESSION, &words));
    for (int i = 0; i < TABLE_INLINE_WORDS; i++)
        assert_true(words.word[i] == 0);

    assert_ptr_equal(table_acquire(first, OBJECT_SERVER_SESSION), &objects[0]);
    table_store_words(first, &written);
    table_load_words(first, &words);
    table_release(first);
    assert_memory_equal(&words, &written, sizeof(words));
    assert_true(table_read_words(first, OBJECT_SERVER_SESSION, &words));
    assert_memory_equal(&words, &written, sizeof(words));
    assert_false(table_read_words(first, OBJECT_URL_GROUP, &words));

    assert_ptr_equal(table_remove(first, OBJECT_SERVER_SESSION), &objects[0]);
    assert_false(table_read_words(first, OBJECT_SERVER_SESSION, &words));
    /* The slot is reused at once: its next ID starts from zero again. */
    uint64_t second = insert(OBJECT_SERVER_SESSION, &objects[1]);
    assert_true((second & INDEX_MASK) == (first & INDEX_MASK));
    assert_false(table_read_words(first, OBJECT_SERVER_SESSION, &words));
    assert_true(table_read_words(second, OBJECT_SERVER_SESSION, &words));
    for (int i = 0; i < TABLE_INLINE_WORDS; i++)
        assert_true(words.word[i] == 0);
    assert_ptr_equal(table_remove(second, OBJECT_SERVER_SESSION), &objects[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(an_id_names_its_object_and_type),
        cmocka_unit_test(forged_ids_are_refused),
        cmocka_unit_test(a_reused_slot_gets_a_new_generation),
        cmocka_unit_test(an_exhausted_slot_is_retired),
        cmocka_unit_test(thousands_of_live_objects_span_pages),
        cmocka_unit_test(inline_words_belong_to_one_id),
    };
    return cmocka_run_group_tests_name("handle table", tests, NULL, NULL);
}
