#include "handle_table.h"

#include <stdatomic.h>
#include <windows.h>

#include "platform.h"

enum {
    CACHE_LINE = 64,
    SLOTS_PER_PAGE = 4096,
    MAX_SLOTS = 1u << ID_INDEX_BITS,
    MAX_PAGES = MAX_SLOTS / SLOTS_PER_PAGE,
    MAX_GENERATION = (1u << ID_GENERATION_BITS) - 1,
    NO_SLOT = UINT32_MAX,
};

_Static_assert(ID_INDEX_BITS + ID_GENERATION_BITS + ID_TYPE_BITS + ID_TAG_BITS == 64, "ID layout must fill 64 bits");
_Static_assert(MAX_SLOTS % SLOTS_PER_PAGE == 0, "pages must tile the index space");

/* A slot's ID is atomic so that table_insert() can publish it and
 * table_is_live() can read it without the slot's lock: a session's slot is
 * held while a group is inserted or a group ID checked, and the other slot
 * may have been (or become) a session's, so taking its lock there could
 * deadlock two threads sweeping each other's old group IDs.
 * A slot fills a cache line of its own, so that threads working on
 * different objects do not pass lines back and forth. */
typedef struct slot {
    _Alignas(CACHE_LINE) plat_lock lock;
    /* Odd while a holder of the lock changes id or words: readers of the
     * words retry until they see the same even value before and after. */
    _Atomic uint32_t sequence;
    _Atomic uint64_t id; /* the live ID, 0 while the slot is free */
    void *object;
    uint32_t generation; /* of the last ID handed out from this slot */
    uint32_t next_free;
    /* The inline words, as 32-bit halves: atomic loads and stores of
     * those are plain moves on i686 too. */
    _Atomic uint32_t halves[2 * TABLE_INLINE_WORDS];
} slot;

#ifdef _WIN32
/* In the DLL; the native build's pthread mutex is larger. */
_Static_assert(sizeof(slot) == CACHE_LINE, "a slot fills exactly one cache line");
#endif

static struct {
    plat_lock lock; /* guards free_head, used_slots, live and page creation */
    _Atomic(slot *) pages[MAX_PAGES];
    void *page_blocks[MAX_PAGES]; /* as allocated, before aligning to a line */
    uint32_t free_head;
    uint32_t used_slots; /* slots ever handed out: the next fresh index */
    uint32_t live;
} table = { .lock = PLAT_LOCK_INIT, .free_head = NO_SLOT };

static uint64_t process_tag(void)
{
    /* Windows process IDs are multiples of four; dropping those bits keeps
     * the IDs of processes with different PIDs apart up to PID 2^26. */
    static _Atomic uint32_t tag = UINT32_MAX;
    uint32_t value = atomic_load_explicit(&tag, memory_order_relaxed);
    if (value == UINT32_MAX) {
        value = (plat_process_id() >> 2) & ((1u << ID_TAG_BITS) - 1);
        atomic_store_explicit(&tag, value, memory_order_relaxed);
    }
    return value;
}

static slot *slot_at(uint32_t index)
{
    slot *page = atomic_load_explicit(&table.pages[index / SLOTS_PER_PAGE], memory_order_acquire);
    return page ? &page[index % SLOTS_PER_PAGE] : NULL;
}

/* The slot an ID names, if the ID is well formed for this process; it may
 * still be stale, which the caller sees by comparing slot->id. */
static slot *slot_for(uint64_t id, object_type type)
{
    if (id == 0 || (id >> ID_TAG_SHIFT) != process_tag()
        || ((id >> ID_TYPE_SHIFT) & ((1u << ID_TYPE_BITS) - 1)) != (uint64_t)type)
        return NULL;
    return slot_at((uint32_t)(id & (MAX_SLOTS - 1)));
}

/* Called with table.lock held. */
static uint32_t take_free_index(void)
{
    if (table.free_head != NO_SLOT) {
        uint32_t index = table.free_head;
        table.free_head = slot_at(index)->next_free;
        return index;
    }
    if (table.used_slots == MAX_SLOTS)
        return NO_SLOT;
    uint32_t index = table.used_slots;
    if (index % SLOTS_PER_PAGE == 0) {
        /* The heap aligns less than a cache line: round up within a block
         * one line larger, and keep the block as allocated (pages live as
         * long as the process, and leak checkers see them reachable). */
        void *block = plat_alloc_zeroed(sizeof(slot) * SLOTS_PER_PAGE + CACHE_LINE - 1);
        if (!block)
            return NO_SLOT;
        slot *page = (slot *)(((uintptr_t)block + CACHE_LINE - 1) & ~(uintptr_t)(CACHE_LINE - 1));
        for (uint32_t i = 0; i < SLOTS_PER_PAGE; i++)
            plat_lock_init(&page[i].lock);
        table.page_blocks[index / SLOTS_PER_PAGE] = block;
        atomic_store_explicit(&table.pages[index / SLOTS_PER_PAGE], page, memory_order_release);
    }
    table.used_slots++;
    return index;
}

uint32_t table_insert(object_type type, void *object, uint64_t *id)
{
    uint64_t tag = process_tag();

    plat_lock_acquire(&table.lock);
    uint32_t index = take_free_index();
    if (index != NO_SLOT)
        table.live++;
    plat_lock_release(&table.lock);
    if (index == NO_SLOT)
        return ERROR_NOT_ENOUGH_MEMORY;

    /* The slot is ours alone until its ID is stored: the release store
     * publishes the object to whoever loads that ID. */
    slot *s = slot_at(index);
    s->generation++;
    s->object = object;
    uint64_t new_id = tag << ID_TAG_SHIFT | (uint64_t)type << ID_TYPE_SHIFT
                    | (uint64_t)s->generation << ID_GENERATION_SHIFT | index;
    atomic_store_explicit(&s->id, new_id, memory_order_release);
    *id = new_id;
    return NO_ERROR;
}

/* The writer's half of the seqlock, for a holder of the slot's lock. The
 * words are written with release stores: a reader that sees any of them
 * also sees the odd sequence stored before, and so retries. */
static void begin_write(slot *s)
{
    uint32_t sequence = atomic_load_explicit(&s->sequence, memory_order_relaxed);
    atomic_store_explicit(&s->sequence, sequence + 1, memory_order_relaxed);
}

static void write_words(slot *s, const table_words *words)
{
    for (int i = 0; i < TABLE_INLINE_WORDS; i++) {
        atomic_store_explicit(&s->halves[2 * i], (uint32_t)words->word[i], memory_order_release);
        atomic_store_explicit(&s->halves[2 * i + 1], (uint32_t)(words->word[i] >> 32), memory_order_release);
    }
}

static uint64_t read_word(slot *s, int i, memory_order order)
{
    uint64_t low = atomic_load_explicit(&s->halves[2 * i], order);
    uint64_t high = atomic_load_explicit(&s->halves[2 * i + 1], order);
    return low | high << 32;
}

static void end_write(slot *s)
{
    uint32_t sequence = atomic_load_explicit(&s->sequence, memory_order_relaxed);
    atomic_store_explicit(&s->sequence, sequence + 1, memory_order_release);
}

void *table_acquire(uint64_t id, object_type type)
{
    slot *s = slot_for(id, type);
    if (!s)
        return NULL;
    plat_lock_acquire(&s->lock);
    if (atomic_load_explicit(&s->id, memory_order_acquire) != id) {
        plat_lock_release(&s->lock);
        return NULL;
    }
    return s->object;
}

void table_release(uint64_t id)
{
    plat_lock_release(&slot_at((uint32_t)(id & (MAX_SLOTS - 1)))->lock);
}

void *table_remove(uint64_t id, object_type type)
{
    slot *s = slot_for(id, type);
    if (!s)
        return NULL;
    plat_lock_acquire(&s->lock);
    if (atomic_load_explicit(&s->id, memory_order_acquire) != id) {
        plat_lock_release(&s->lock);
        return NULL;
    }
    void *object = s->object;
    table_words cleared = { { 0 } };
    begin_write(s);
    atomic_store_explicit(&s->id, 0, memory_order_relaxed);
    write_words(s, &cleared);
    end_write(s);
    s->object = NULL;
    int retire = s->generation == MAX_GENERATION;
    plat_lock_release(&s->lock);

    uint32_t index = (uint32_t)(id & (MAX_SLOTS - 1));
    plat_lock_acquire(&table.lock);
    table.live--;
    if (!retire) {
        s->next_free = table.free_head;
        table.free_head = index;
    }
    plat_lock_release(&table.lock);
    return object;
}

int table_is_live(uint64_t id, object_type type)
{
    slot *s = slot_for(id, type);
    return s && atomic_load_explicit(&s->id, memory_order_relaxed) == id;
}

int table_read_words(uint64_t id, object_type type, table_words *words)
{
    slot *s = slot_for(id, type);
    if (!s)
        return 0;
    for (int attempt = 0; attempt < 4; attempt++) {
        uint32_t before = atomic_load_explicit(&s->sequence, memory_order_acquire);
        if (before & 1)
            continue;
        /* An ID is cleared only inside a write, so if the sequence holds
         * still, the ID was live for the whole copy. Acquire: seeing a new
         * ID means seeing the words its slot's last close cleared. */
        if (atomic_load_explicit(&s->id, memory_order_acquire) != id)
            return 0;
        for (int i = 0; i < TABLE_INLINE_WORDS; i++)
            words->word[i] = read_word(s, i, memory_order_acquire);
        if (atomic_load_explicit(&s->sequence, memory_order_relaxed) == before)
            return 1;
    }
    /* Writers keep getting in the way: wait for the slot like its users. */
    if (!table_acquire(id, type))
        return 0;
    table_load_words(id, words);
    table_release(id);
    return 1;
}

void table_load_words(uint64_t id, table_words *words)
{
    slot *s = slot_at((uint32_t)(id & (MAX_SLOTS - 1)));
    for (int i = 0; i < TABLE_INLINE_WORDS; i++)
        words->word[i] = read_word(s, i, memory_order_relaxed);
}

void table_store_words(uint64_t id, const table_words *words)
{
    slot *s = slot_at((uint32_t)(id & (MAX_SLOTS - 1)));
    begin_write(s);
    write_words(s, words);
    end_write(s);
}

uint32_t table_live_count(void)
{
    plat_lock_acquire(&table.lock);
    uint32_t live = table.live;
    plat_lock_release(&table.lock);
    return live;
}
