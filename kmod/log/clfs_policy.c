// SPDX-License-Identifier: GPL-2.0
/*
 * clfs policies and the log's size: installing, querying and removing the
 * management policies, growing and shrinking the container set within
 * them, automatically and on request. docs/management.md has the rules.
 *
 * Policies live in the metadata (struct clfs_md.policy), so every change
 * is a metadata commit under md_lock, and a change of policy together with
 * the size change it implies is one commit: after a crash the log has the
 * old policies and size or the new ones.
 *
 * Growth turns unused slots (CLFS_CONT_NONE) into free containers, lowest
 * slot first; shrink turns free containers back into unused slots,
 * highest slot first. The writer activates the lowest free slot, so the
 * log stays packed at the front of the device. A container that is held
 * back for reservations, or active, is never removed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <kunit/visibility.h>
#include "clfs_log.h"

/**
 * clfs_md_count() - containers of a metadata copy in a state
 * @md: the metadata
 * @state: CLFS_CONT_FREE or CLFS_CONT_ACTIVE
 *
 * Return: how many slots are in @state.
 */
u32 clfs_md_count(const struct clfs_md *md, u32 state)
{
	u32 i, n = 0;

	for (i = 0; i < md->geo.nr_slots; i++)
		n += md->containers[i].state == state;
	return n;
}

static u32 clfs_md_size(const struct clfs_md *md)
{
	return clfs_md_count(md, CLFS_CONT_FREE) +
	       clfs_md_count(md, CLFS_CONT_ACTIVE);
}

/**
 * clfs_policy_min() - the smallest size the policies allow
 * @md: the metadata
 *
 * Return: MIN_SIZE's value, or CLFS_LOG_MIN_CONTAINERS.
 */
u32 clfs_policy_min(const struct clfs_md *md)
{
	if (md->policy.installed & CLFS_POLICY_MIN_SIZE)
		return md->policy.min_containers;
	return CLFS_LOG_MIN_CONTAINERS;
}

/**
 * clfs_policy_max() - the largest size the policies allow
 * @md: the metadata
 *
 * Return: MAX_SIZE's value, or every slot of the device.
 */
u32 clfs_policy_max(const struct clfs_md *md)
{
	if (md->policy.installed & CLFS_POLICY_MAX_SIZE)
		return md->policy.max_containers;
	return md->geo.nr_slots;
}

/**
 * clfs_policy_tail_target() - free containers a tail-advance round aims for
 * @md: the metadata
 *
 * Return: LOG_TAIL's count, or its percentage of the size rounded up, or
 * 1; at least 1.
 */
u32 clfs_policy_tail_target(const struct clfs_md *md)
{
	const struct clfs_md_policy *p = &md->policy;

	if (!(p->installed & CLFS_POLICY_LOG_TAIL))
		return 1;
	if (p->tail_free_containers)
		return p->tail_free_containers;
	return max(1U, DIV_ROUND_UP(p->tail_free_pct * clfs_md_size(md), 100));
}

static u32 clfs_policy_growth_step(const struct clfs_md *md)
{
	const struct clfs_md_policy *p = &md->policy;

	if (!(p->installed & CLFS_POLICY_GROWTH_RATE))
		return 1;
	if (p->growth_containers)
		return p->growth_containers;
	return max(1U, DIV_ROUND_UP(p->growth_pct * clfs_md_size(md), 100));
}

/* Make up to @count unused slots free containers, lowest first. */
static u32 clfs_md_add(struct clfs_md *md, u32 count)
{
	u32 i, added = 0;

	for (i = 0; i < md->geo.nr_slots && added < count; i++) {
		if (md->containers[i].state == CLFS_CONT_NONE) {
			md->containers[i].state = CLFS_CONT_FREE;
			added++;
		}
	}
	return added;
}

/* Remove up to @count free containers, highest slot first. */
static u32 clfs_md_remove(struct clfs_md *md, u32 count)
{
	u32 i, removed = 0;

	for (i = md->geo.nr_slots; i-- > 0 && removed < count;) {
		if (md->containers[i].state == CLFS_CONT_FREE) {
			md->containers[i].state = CLFS_CONT_NONE;
			removed++;
		}
	}
	return removed;
}

/**
 * clfs_log_usable_free() - free containers not held for reservations
 * @log: the log, md_lock held
 * @md: its metadata, or the next generation being prepared
 *
 * Return: how many containers an append without a reservation may take.
 */
u32 clfs_log_usable_free(const struct clfs_log *log, const struct clfs_md *md)
{
	u32 nr_free = clfs_md_count(md, CLFS_CONT_FREE);

	return nr_free > log->held_containers ?
	       nr_free - log->held_containers : 0;
}

/**
 * clfs_log_auto_grow() - grow by the policies' growth step, if they allow
 * @log: the log, md_lock held
 *
 * Return: 0 if the log grew (durably); -ENOSPC if AUTO_GROW is off, the
 * log is at its maximum or the device has no unused slot; -EIO or -EROFS
 * from the commit.
 */
int clfs_log_auto_grow(struct clfs_log *log)
{
	const struct clfs_md *md = log->md;
	u32 size = clfs_md_size(md), max = clfs_policy_max(md), step, added;
	int ret;

	lockdep_assert_held(&log->md_lock);
	if (!(md->policy.installed & CLFS_POLICY_AUTO_GROW) ||
	    !md->policy.auto_grow || size >= max)
		return -ENOSPC;
	step = min(clfs_policy_growth_step(md), max - size);
	memcpy(log->md_next, md, sizeof(*md));
	added = clfs_md_add(log->md_next, step);
	if (!added)
		return -ENOSPC;
	ret = clfs_md_commit(log);
	if (ret)
		return ret;
	log->stats.grown += added;
	pr_debug("%s: grew by %u to %u containers\n", log->name, added,
		 size + added);
	return 0;
}

/**
 * clfs_log_auto_shrink() - apply AUTO_SHRINK after containers were freed
 * @log: the log, md_lock held
 *
 * Removes free containers, highest slot first, while the policy's share
 * of the size is free, the size is above the minimum, and more than one
 * usable free container remains (so the head can always move on).
 *
 * Return: 0, also when nothing was removed; -EIO or -EROFS.
 */
int clfs_log_auto_shrink(struct clfs_log *log)
{
	const struct clfs_md *md = log->md;
	u32 pct = md->policy.shrink_free_pct, min = clfs_policy_min(md);
	u32 size = clfs_md_size(md), nr_free = clfs_md_count(md, CLFS_CONT_FREE);
	u32 usable = clfs_log_usable_free(log, md), n = 0;
	int ret;

	lockdep_assert_held(&log->md_lock);
	if (!(md->policy.installed & CLFS_POLICY_AUTO_SHRINK))
		return 0;
	while (size - n > min && usable - n > 1 &&
	       (u64)(nr_free - n) * 100 >= (u64)pct * (size - n))
		n++;
	if (!n)
		return 0;
	memcpy(log->md_next, md, sizeof(*md));
	if (WARN_ON_ONCE(clfs_md_remove(log->md_next, n) != n))
		return -EINVAL;
	ret = clfs_md_commit(log);
	if (ret)
		return ret;
	log->stats.shrunk += n;
	pr_debug("%s: shrank by %u to %u containers\n", log->name, n, size - n);
	return 0;
}

/*
 * Adjust @next's size into [min, max] of its own policies: the change a
 * policy install implies. -EBUSY when too few free containers can go.
 */
static int clfs_policy_fit_size(struct clfs_log *log, struct clfs_md *next)
{
	u32 size = clfs_md_size(next), min = clfs_policy_min(next);
	u32 max = clfs_policy_max(next), want;

	if (size < min) {
		want = min - size;
		return clfs_md_add(next, want) == want ? 0 : -ENOSPC;
	}
	if (size > max) {
		want = size - max;
		if (clfs_log_usable_free(log, next) < want)
			return -EBUSY;
		return clfs_md_remove(next, want) == want ? 0 : -EBUSY;
	}
	return 0;
}

static bool clfs_one_of(u32 a, u32 b)
{
	return !a != !b;
}

/*
 * Is @p, a whole policy set, consistent with itself and with a device of
 * @geo? -EINVAL or -ENOSPC as struct clfs_policy documents.
 */
static int clfs_policy_check(const struct clfs_md_policy *p,
			     const struct clfs_md_geometry *geo)
{
	u32 on = p->installed;
	u32 max = on & CLFS_POLICY_MAX_SIZE ? p->max_containers : geo->nr_slots;

	if (on & CLFS_POLICY_MAX_SIZE) {
		if (p->max_containers < CLFS_LOG_MIN_CONTAINERS)
			return -EINVAL;
		if (p->max_containers > geo->nr_slots)
			return -ENOSPC;
	}
	if (on & CLFS_POLICY_MIN_SIZE) {
		if (p->min_containers < CLFS_LOG_MIN_CONTAINERS)
			return -EINVAL;
		if (p->min_containers > geo->nr_slots)
			return -ENOSPC;
		if (p->min_containers > max)
			return -EINVAL;
	}
	if ((on & CLFS_POLICY_NEW_CONTAINER_SIZE) &&
	    p->new_container_bytes != geo->container_bytes)
		return -EINVAL;
	if ((on & CLFS_POLICY_GROWTH_RATE) &&
	    (!clfs_one_of(p->growth_containers, p->growth_pct) ||
	     p->growth_containers >= max || p->growth_pct > 100))
		return -EINVAL;
	if ((on & CLFS_POLICY_LOG_TAIL) &&
	    (!clfs_one_of(p->tail_free_containers, p->tail_free_pct) ||
	     p->tail_free_containers >= max || p->tail_free_pct > 99))
		return -EINVAL;
	if ((on & CLFS_POLICY_AUTO_SHRINK) &&
	    (!p->shrink_free_pct || p->shrink_free_pct > 100))
		return -EINVAL;
	/* Shrinking must not undo what tail-advance requests free. */
	if ((on & CLFS_POLICY_AUTO_SHRINK) && (on & CLFS_POLICY_LOG_TAIL) &&
	    p->tail_free_pct && p->shrink_free_pct <= p->tail_free_pct)
		return -EINVAL;
	if ((on & CLFS_POLICY_AUTO_GROW) && p->auto_grow > 1)
		return -EINVAL;
	return 0;
}

/* Do the fields of the policies not named in @p->installed read zero? */
static bool clfs_policy_unnamed_zero(const struct clfs_policy *p)
{
	u32 on = p->installed;

	return ((on & CLFS_POLICY_MAX_SIZE) || !p->max_containers) &&
	       ((on & CLFS_POLICY_MIN_SIZE) || !p->min_containers) &&
	       ((on & CLFS_POLICY_NEW_CONTAINER_SIZE) ||
		!p->new_container_bytes) &&
	       ((on & CLFS_POLICY_GROWTH_RATE) ||
		(!p->growth_containers && !p->growth_pct)) &&
	       ((on & CLFS_POLICY_LOG_TAIL) ||
		(!p->tail_free_containers && !p->tail_free_pct)) &&
	       ((on & CLFS_POLICY_AUTO_SHRINK) || !p->shrink_free_pct) &&
	       ((on & CLFS_POLICY_AUTO_GROW) || !p->auto_grow);
}

/* Copy the policies named by @bits from @p into @dst, others untouched. */
static void clfs_policy_merge(struct clfs_md_policy *dst,
			      const struct clfs_policy *p, u32 bits)
{
	if (bits & CLFS_POLICY_MAX_SIZE)
		dst->max_containers = p->max_containers;
	if (bits & CLFS_POLICY_MIN_SIZE)
		dst->min_containers = p->min_containers;
	if (bits & CLFS_POLICY_NEW_CONTAINER_SIZE)
		dst->new_container_bytes = p->new_container_bytes;
	if (bits & CLFS_POLICY_GROWTH_RATE) {
		dst->growth_containers = p->growth_containers;
		dst->growth_pct = p->growth_pct;
	}
	if (bits & CLFS_POLICY_LOG_TAIL) {
		dst->tail_free_containers = p->tail_free_containers;
		dst->tail_free_pct = p->tail_free_pct;
	}
	if (bits & CLFS_POLICY_AUTO_SHRINK)
		dst->shrink_free_pct = p->shrink_free_pct;
	if (bits & CLFS_POLICY_AUTO_GROW)
		dst->auto_grow = p->auto_grow;
}

/**
 * clfs_policy_install() - install management policies
 * @log: an open, writable log
 * @p: the policies to set, named by @p->installed; the fields of the
 *	others and the reserved fields must be zero
 *
 * The policies not named stay as they are. The resulting set is checked
 * as a whole (struct clfs_policy lists the rules); a minimum above the
 * log's size grows it and a maximum below shrinks it, in the same
 * metadata commit. Durable on return, and kept with the log.
 *
 * Return: 0; -EINVAL for a malformed or conflicting set; -ENOSPC for a
 * size the device cannot hold; -EBUSY for a maximum the free containers
 * cannot shrink the log to; -EROFS; -EIO.
 */
int clfs_policy_install(struct clfs_log *log, const struct clfs_policy *p)
{
	struct clfs_md *next = log->md_next;
	int ret;

	if (!p || !p->installed || (p->installed & ~CLFS_POLICY_ALL) ||
	    p->reserved0 || memchr_inv(p->reserved, 0, sizeof(p->reserved)) ||
	    !clfs_policy_unnamed_zero(p))
		return -EINVAL;
	ret = clfs_log_check_writable(log);
	if (ret)
		return ret;
	mutex_lock(&log->md_lock);
	memcpy(next, log->md, sizeof(*next));
	clfs_policy_merge(&next->policy, p, p->installed);
	next->policy.installed |= p->installed;
	ret = clfs_policy_check(&next->policy, &next->geo) ?:
	      clfs_policy_fit_size(log, next) ?:
	      clfs_md_commit(log);
	mutex_unlock(&log->md_lock);
	if (!ret)
		clfs_mgmt_kick(log, 0);
	return ret;
}
EXPORT_SYMBOL_GPL(clfs_policy_install);

/**
 * clfs_policy_query() - the log's management policies
 * @log: an open log
 * @p: filled in: @p->installed names the policies set; the fields of the
 *	others and the reserved fields are zero
 *
 * Return: 0, or -EINVAL for a NULL @p.
 */
int clfs_policy_query(struct clfs_log *log, struct clfs_policy *p)
{
	const struct clfs_md_policy *mp = &log->md->policy;

	if (!p)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	mutex_lock(&log->md_lock);
	p->installed = mp->installed;
	p->max_containers = mp->max_containers;
	p->min_containers = mp->min_containers;
	p->growth_containers = mp->growth_containers;
	p->growth_pct = mp->growth_pct;
	p->tail_free_pct = mp->tail_free_pct;
	p->tail_free_containers = mp->tail_free_containers;
	p->shrink_free_pct = mp->shrink_free_pct;
	p->auto_grow = mp->auto_grow;
	p->new_container_bytes = mp->new_container_bytes;
	mutex_unlock(&log->md_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(clfs_policy_query);

/**
 * clfs_policy_remove() - remove management policies
 * @log: an open, writable log
 * @policies: CLFS_POLICY_* bits; removing one that is not installed is
 *	not an error
 *
 * The log falls back to the defaults of the policies removed. Its size
 * does not change. Durable on return.
 *
 * Return: 0; -EINVAL for no bits or unknown bits; -EROFS; -EIO.
 */
int clfs_policy_remove(struct clfs_log *log, u32 policies)
{
	static const struct clfs_policy zero;
	struct clfs_md *next = log->md_next;
	int ret;

	if (!policies || (policies & ~CLFS_POLICY_ALL))
		return -EINVAL;
	ret = clfs_log_check_writable(log);
	if (ret)
		return ret;
	mutex_lock(&log->md_lock);
	memcpy(next, log->md, sizeof(*next));
	clfs_policy_merge(&next->policy, &zero, policies);
	next->policy.installed &= ~policies;
	ret = clfs_md_commit(log);
	mutex_unlock(&log->md_lock);
	if (!ret)
		clfs_mgmt_kick(log, 0);
	return ret;
}
EXPORT_SYMBOL_GPL(clfs_policy_remove);

/**
 * clfs_log_set_size() - grow or shrink a log to a number of containers
 * @log: an open, writable log
 * @nr_containers: the size wanted
 * @result: if not NULL, receives the size afterwards, also on -EBUSY
 *
 * Growing takes the device's lowest unused slots; shrinking removes free
 * containers that no reservation holds, highest slot first, as many as it
 * can. Durable on return.
 *
 * Return: 0; -ENOSPC for more containers than the device has slots;
 * -ERANGE for a size below the MIN_SIZE policy (or
 * CLFS_LOG_MIN_CONTAINERS) or above MAX_SIZE; -EBUSY when active or held
 * containers stopped a shrink before @nr_containers (what could be
 * removed was); -EROFS; -EIO.
 */
int clfs_log_set_size(struct clfs_log *log, u32 nr_containers, u32 *result)
{
	struct clfs_md *next = log->md_next;
	u32 size, want = 0, done = 0;
	int ret;

	ret = clfs_log_check_writable(log);
	if (ret)
		return ret;
	mutex_lock(&log->md_lock);
	size = clfs_md_size(log->md);
	if (nr_containers > log->md->geo.nr_slots)
		ret = -ENOSPC;
	else if (nr_containers < clfs_policy_min(log->md) ||
		 nr_containers > clfs_policy_max(log->md))
		ret = -ERANGE;
	if (ret || nr_containers == size)
		goto out;
	memcpy(next, log->md, sizeof(*next));
	if (nr_containers > size) {
		want = nr_containers - size;
		done = clfs_md_add(next, want);
	} else {
		want = size - nr_containers;
		done = clfs_md_remove(next, min(want,
						clfs_log_usable_free(log, next)));
	}
	if (done)
		ret = clfs_md_commit(log);
	if (!ret && done < want)
		ret = -EBUSY;
out:
	if (result)
		*result = clfs_md_size(log->md);
	mutex_unlock(&log->md_lock);
	if (done)
		clfs_mgmt_kick(log, 0);
	return ret;
}
EXPORT_SYMBOL_GPL(clfs_log_set_size);
