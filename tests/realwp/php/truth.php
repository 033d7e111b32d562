<?php
/**
 * Prints, as JSON, what WordPress holds once the content is written: every published post as
 * WordPress shows it (permalink, title and text after its filters, dates in site time and UTC,
 * author, categories and tags in the order WordPress lists them, the featured image's caption),
 * and every other thing with an address (pages, attachments, posts no reader may see).
 * Rewrites are flushed first, in a process that registered every route.
 */
require __DIR__ . '/cli.php';
flush_rewrite_rules(false);

$names = fn($terms) => is_array($terms) ? array_map(fn($term) => html_entity_decode($term->name, ENT_QUOTES, 'UTF-8'), $terms) : [];
$posts = [];
$query = new WP_Query(['post_type' => 'post', 'post_status' => 'publish', 'posts_per_page' => -1,
	'orderby' => 'date', 'order' => 'DESC', 'ignore_sticky_posts' => true]);
while ($query->have_posts()) {
	$query->the_post();
	$post = get_post();
	$thumbnail = get_post_thumbnail_id($post);
	$posts[] = [
		'post_id' => $post->ID,
		'url' => get_permalink($post),
		'title' => get_the_title($post),
		'published' => get_post_datetime($post, 'date', 'local')->format(DATE_W3C),
		'published_gmt' => get_post_time(DATE_W3C, true, $post),
		'modified' => get_post_datetime($post, 'modified', 'local')->format(DATE_W3C),
		'authors' => [get_the_author_meta('display_name', $post->post_author)],
		'categories' => $names(get_the_category($post->ID)),
		'tags' => $names(get_the_tags($post->ID)),
		'caption' => $thumbnail ? (wp_get_attachment_caption($thumbnail) ?: null) : null,
		'image_url' => $thumbnail ? wp_get_attachment_url($thumbnail) : null,
		'content_html' => apply_filters('the_content', get_the_content()),
		'sticky' => is_sticky($post->ID),
	];
}
wp_reset_postdata();

$others = [];
$rest = get_posts(['post_type' => ['post', 'page', 'attachment'], 'post_status' => 'any', 'numberposts' => -1,
	'orderby' => 'ID', 'order' => 'ASC']);
$trashed = get_posts(['post_type' => 'post', 'post_status' => 'trash', 'numberposts' => -1]);
foreach (array_merge($rest, $trashed) as $post) {
	if ('post' === $post->post_type && 'publish' === $post->post_status) {
		continue;
	}
	$others[] = ['post_id' => $post->ID, 'type' => $post->post_type, 'status' => $post->post_status,
		'url' => get_permalink($post), 'title' => $post->post_title];
}

echo wp_json_encode([
	'home' => home_url(), 'name' => get_bloginfo('name'), 'theme' => get_stylesheet(),
	'permalink_structure' => get_option('permalink_structure'), 'timezone' => wp_timezone_string(),
	'posts' => $posts, 'others' => $others,
], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
