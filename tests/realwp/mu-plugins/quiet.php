<?php
/**
 * Plugin Name: Quiet test site
 * Description: A test site sends no mail and asks nothing of the network.
 */
add_filter('pre_wp_mail', '__return_false');
add_filter('pre_http_request', fn() => new WP_Error('http_request_blocked', 'A test site makes no HTTP requests.'));
