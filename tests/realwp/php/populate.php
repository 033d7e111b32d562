<?php
/**
 * Writes the site's content through WordPress's own functions, as an administrator would:
 * users, categories, tags, pages, posts with featured images and captions, then the later life
 * of some posts (an edit, a trashed and a deleted post, a sticky one), and the menu.
 */
require __DIR__ . '/cli.php';
require_once ABSPATH . 'wp-admin/includes/image.php';
require_once ABSPATH . 'wp-admin/includes/post.php';

wp_set_current_user(1);  // an administrator: block markup is kept as written
$plan = $site['plan'];

$users = [];
foreach ($plan['users'] as $user) {
	[$first, $last] = array_pad(explode(' ', $user['display_name'], 2), 2, '');
	$users[$user['login']] = succeeded(wp_insert_user(wp_slash([
		'user_login' => $user['login'], 'user_pass' => wp_generate_password(), 'user_email' => $user['login'] . '@example.org',
		'display_name' => $user['display_name'], 'nickname' => $user['display_name'], 'first_name' => $first,
		'last_name' => $last, 'description' => $user['description'], 'role' => 'author',
	])), 'wp_insert_user ' . $user['login']);
}

$categories = [];
foreach ($plan['categories'] as $category) {
	$parent = $category['parent'] ? $categories[$category['parent']] : 0;
	$term = succeeded(wp_insert_term(wp_slash($category['name']), 'category', ['slug' => $category['slug'], 'parent' => $parent]),
		'wp_insert_term ' . $category['name']);
	$categories[$category['slug']] = $term['term_id'];
}
foreach ($plan['tags'] as $tag) {
	succeeded(wp_insert_term(wp_slash($tag), 'post_tag'), 'wp_insert_term ' . $tag);
}

$pages = [];
foreach ($plan['pages'] as $page) {
	$pages[$page['title']] = succeeded(wp_insert_post(wp_slash([
		'post_type' => 'page', 'post_status' => 'publish', 'post_title' => $page['title'], 'post_content' => $page['content'],
		'post_parent' => $page['parent'] ? $pages[$page['parent']] : 0, 'post_author' => 1,
	]), true), 'wp_insert_post page ' . $page['title']);
}

/** A small photograph (a flat colour) stored in the uploads folder of the post's month. */
function featured_image(int $post_id, array $image, string $date, int $author) {
	$canvas = imagecreatetruecolor(640, 360);
	imagefill($canvas, 0, 0, imagecolorallocate($canvas, 40 + $post_id % 200, 90, 140));
	ob_start();
	imagepng($canvas);
	$bits = ob_get_clean();
	$upload = wp_upload_bits("photo-$post_id.png", null, $bits, substr($date, 0, 4) . '/' . substr($date, 5, 2));
	succeeded(empty($upload['error']) ? $upload : false, 'wp_upload_bits ' . ($upload['error'] ?? ''));
	$attachment = succeeded(wp_insert_attachment(wp_slash([
		'post_mime_type' => 'image/png', 'post_title' => "Photo $post_id", 'post_excerpt' => $image['caption'],
		'post_content' => '', 'post_status' => 'inherit', 'post_author' => $author, 'post_date' => $date,
	]), $upload['file'], $post_id, true), 'wp_insert_attachment');
	update_post_meta($attachment, '_wp_attachment_image_alt', wp_slash($image['alt']));
	wp_update_attachment_metadata($attachment, [
		'width' => 640, 'height' => 360, 'file' => _wp_relative_upload_path($upload['file']), 'sizes' => [],
	]);
	set_post_thumbnail($post_id, $attachment);
}

$created = [];
foreach ($plan['posts'] as $post) {
	$status = in_array($post['status'], ['trash', 'deleted'], true) ? 'publish' : $post['status'];
	$id = succeeded(wp_insert_post(wp_slash([
		'post_type' => 'post', 'post_status' => $status, 'post_title' => $post['title'], 'post_content' => $post['content'],
		'post_date' => $post['date'], 'post_author' => $users[$post['author']],
		'post_category' => array_map(fn($slug) => $categories[$slug], $post['categories']),
		'tags_input' => $post['tags'],
	]), true), 'wp_insert_post ' . $post['title']);
	if ($post['image']) {
		featured_image($id, $post['image'], $post['date'], $users[$post['author']]);
	}
	$created[$post['key']] = $id;
}

foreach ($plan['posts'] as $post) {
	$id = $created[$post['key']];
	if ($post['edit']) {  // edited now, long after it was published
		succeeded(wp_update_post(wp_slash(['ID' => $id, 'post_title' => $post['edit']['title'],
			'post_content' => $post['edit']['content']]), true), 'wp_update_post');
	}
	if ($post['sticky']) {
		stick_post($id);
	}
	if ('trash' === $post['status']) {
		succeeded(wp_trash_post($id), 'wp_trash_post');
	} elseif ('deleted' === $post['status']) {
		succeeded(wp_delete_post($id, true), 'wp_delete_post');
	}
}

if ($site['menu']) {  // a classic menu of the sections and a page, where the theme shows one
	$menu = succeeded(wp_create_nav_menu('Sections'), 'wp_create_nav_menu');
	foreach ($plan['categories'] as $category) {
		if ($category['parent']) {
			continue;
		}
		$term = $categories[$category['slug']];
		$item = 'query' === $site['menu']  // links written by hand, as /?cat=N
			? ['menu-item-type' => 'custom', 'menu-item-url' => home_url('/?cat=' . $term), 'menu-item-title' => $category['name']]
			: ['menu-item-type' => 'taxonomy', 'menu-item-object' => 'category', 'menu-item-object-id' => $term];
		succeeded(wp_update_nav_menu_item($menu, 0, $item + ['menu-item-status' => 'publish']), 'menu item');
	}
	succeeded(wp_update_nav_menu_item($menu, 0, ['menu-item-type' => 'post_type', 'menu-item-object' => 'page',
		'menu-item-object-id' => $pages['About us'], 'menu-item-status' => 'publish']), 'menu item');
	set_theme_mod('nav_menu_locations', ['primary' => $menu]);
}
if (!$site['widgets']) {  // no sidebar: no categories, archives or recent posts widgets
	update_option('sidebars_widgets', ['wp_inactive_widgets' => [], 'array_version' => 3]);
}
